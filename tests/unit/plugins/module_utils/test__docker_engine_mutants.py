# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The engine client's glue, with a stand-in for the Docker SDK's APIClient: what it asks the engine, and every
message word for word (the SDK need not be installed; docs/mutation.md)."""

from __future__ import annotations

import json
import types

import pytest

from ansible_collections.dockernet.ipv6.plugins.module_utils import _docker_engine
from ansible_collections.dockernet.ipv6.plugins.module_utils._docker_engine import (
    EngineClient,
    EngineError,
    format_version,
    parse_version,
)

ENGINE_26_1 = {'Version': '26.1.5+dfsg1', 'ApiVersion': '1.45', 'MinAPIVersion': '1.24', 'Os': 'linux'}


class Response:
    def __init__(self, status=201, content=b'', error=None):
        self.status, self.content, self.error = status, content, error

    def raise_for_status(self):
        if self.error is not None:
            raise self.error

    def json(self):
        return json.loads(self.content)


class Engine:
    """What the stand-in APIClient answers, and the clients it made."""

    def __init__(self, version=None, refusal=None, response=None):
        self.version = ENGINE_26_1 if version is None else version
        self.refusal, self.response = refusal, response
        self.clients = []


@pytest.fixture
def engine(monkeypatch):
    state = Engine()

    class APIClient:
        def __init__(self, base_url, version, timeout):
            self.args = (base_url, version, timeout)
            self.base_url = 'http+docker://localhost'
            self.api_version = '1.45'
            self.posts, self.closed = [], False
            state.clients.append(self)

        def version(self):
            if state.refusal is not None:
                raise state.refusal
            return state.version

        def post(self, url, data, headers):
            self.posts.append((url, data, headers))
            return state.response

        def close(self):
            self.closed = True

    monkeypatch.setattr(_docker_engine, 'docker', types.SimpleNamespace(APIClient=APIClient), raising=False)
    return state


def test_the_client_connects_with_version_negotiation_and_reads_the_versions_once(engine):
    client = EngineClient('unix:///run/docker.sock', 5)
    [api] = engine.clients
    assert api.args == ('unix:///run/docker.sock', 'auto', 5)
    assert client.api is api and client.docker_host == 'unix:///run/docker.sock'
    assert (client.engine_version_text, client.api_version_text) == ('26.1.5+dfsg1', '1.45')
    assert (client.engine_version, client.api_version) == ((26, 1, 5), (1, 45, 0))
    client.close()
    assert api.closed


def test_the_default_timeout_is_a_minute(engine):
    EngineClient('tcp://192.0.2.1:2375')
    assert engine.clients[0].args == ('tcp://192.0.2.1:2375', 'auto', 60)


def test_an_engine_that_does_not_answer_says_what_to_check(engine):
    engine.refusal = _docker_engine.DockerException('Error while fetching server API version: connection refused')
    with pytest.raises(EngineError) as caught:
        EngineClient('unix:///var/run/docker.sock', 5)
    assert str(caught.value) == (
        'cannot talk to the Docker engine at unix:///var/run/docker.sock: Error while fetching server API version:'
        ' connection refused. Is the engine running, and may this user use its socket? Set docker_host (or'
        ' DOCKER_HOST) if it listens elsewhere.'
    )
    assert caught.value.__cause__ is engine.refusal


@pytest.mark.parametrize(
    'answer, message',
    [
        ({'ApiVersion': '1.45'}, "cannot read a version number from ''"),
        (
            {'Version': 'master-dockerproject-2024', 'ApiVersion': '1.45'},
            "cannot read a version number from 'master-dockerproject-2024'",
        ),
        ({'Version': '26.1.5'}, "cannot read a version number from ''"),
    ],
)
def test_an_engine_without_a_readable_version_is_refused(engine, answer, message):
    engine.version = answer
    with pytest.raises(EngineError) as caught:
        EngineClient('unix:///var/run/docker.sock')
    assert str(caught.value) == message


def test_parse_version_names_what_it_cannot_read():
    with pytest.raises(EngineError) as caught:
        parse_version(None)
    assert str(caught.value) == 'cannot read a version number from None'


@pytest.mark.parametrize(
    'version, text',
    [((28, 0, 0), '28.0'), ((1, 47, 0), '1.47'), ((28, 0, 1), '28.0.1'), ((29,), '29'), ((0, 0, 0), '0.0')],
)
def test_format_version_keeps_two_parts_and_a_patch_level_that_is_not_zero(version, text):
    assert format_version(version) == text


def test_a_feature_needs_an_engine_at_least_that_new(engine):
    client = EngineClient('unix:///var/run/docker.sock')
    client.require_engine((26, 1), 'gateway_mode_ipv6: routed')
    client.require_engine([26, 1, 5], 'gateway_mode_ipv6: routed')
    with pytest.raises(EngineError) as caught:
        client.require_engine([26, 1, 6], 'gateway_mode_ipv6: routed')
    assert str(caught.value) == (
        'gateway_mode_ipv6: routed needs Docker engine 26.1.6 or newer; the engine at unix:///var/run/docker.sock'
        ' is 26.1.5+dfsg1 (API 1.45)'
    )
    with pytest.raises(EngineError) as caught:
        client.require_engine((28, 0, 0), 'enable_ipv4: false')
    assert str(caught.value) == (
        'enable_ipv4: false needs Docker engine 28.0 or newer; the engine at unix:///var/run/docker.sock'
        ' is 26.1.5+dfsg1 (API 1.45)'
    )


def test_a_feature_needs_an_api_at_least_that_new(engine):
    client = EngineClient('unix:///var/run/docker.sock')
    client.require_api((1, 45), 'EnableIPv4')
    client.require_api([1, 44, 0], 'EnableIPv4')
    client.require_api((1, 45, 0), 'EnableIPv4')
    with pytest.raises(EngineError) as caught:
        client.require_api([1, 47], 'EnableIPv4')
    assert str(caught.value) == (
        'EnableIPv4 needs Docker API 1.47 or newer; the engine at unix:///var/run/docker.sock speaks API 1.45'
        ' (engine 26.1.5+dfsg1)'
    )
    with pytest.raises(EngineError, match=r'^EnableIPv4 needs Docker API 1\.45\.1 or newer;'):
        client.require_api((1, 45, 1), 'EnableIPv4')


def test_a_body_is_posted_as_json_to_the_negotiated_api_version(engine):
    engine.response = Response(content=b'{"Id": "1f2e", "Warning": ""}')
    client = EngineClient('unix:///var/run/docker.sock')
    body = {'Name': 'app', 'EnableIPv4': False, 'EnableIPv6': True}
    assert client.post_json('/networks/create', body) == {'Id': '1f2e', 'Warning': ''}
    assert engine.clients[0].posts == [
        ('http+docker://localhost/v1.45/networks/create', json.dumps(body), {'Content-Type': 'application/json'})
    ]


def test_the_path_arguments_are_quoted_whole_and_an_empty_answer_is_an_empty_dict(engine):
    engine.response = Response(status=200)
    client = EngineClient('unix:///var/run/docker.sock')
    assert client.post_json('/networks/%s/connect', {'Container': 'web'}, 'app net/1') == {}
    assert engine.clients[0].posts[0][0] == 'http+docker://localhost/v1.45/networks/app%20net%2F1/connect'


def test_an_error_answer_is_the_sdk_s_api_error(engine, monkeypatch):
    http_error = _docker_engine.HTTPError('409 Client Error: Conflict')
    engine.response = Response(status=409, error=http_error)
    seen = []

    def create_api_error(exc):
        seen.append(exc)
        return _docker_engine.APIError('network with name app already exists')

    monkeypatch.setattr(_docker_engine, 'create_api_error_from_http_exception', create_api_error, raising=False)
    client = EngineClient('unix:///var/run/docker.sock')
    with pytest.raises(_docker_engine.APIError) as caught:
        client.post_json('/networks/create', {'Name': 'app'})
    assert seen == [http_error]
    assert 'network with name app already exists' in str(caught.value)
    assert caught.value.__cause__ is http_error
