#!/usr/bin/env bash
# Build the root filesystem tarball of a lab host image for one Debian suite.
#   build-image.sh SUITE OUT.tar
# Runs mmdebstrap in root mode inside a private mount namespace (so nothing it
# mounts can outlive it); the result is an uncompressed tar for `docker import`.
set -euo pipefail

suite="${1:?usage: build-image.sh SUITE OUT.tar}"
out="${2:?usage: build-image.sh SUITE OUT.tar}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mirror="${DOCKERNET_LAB_MIRROR:-http://deb.debian.org/debian}"

# Package list for this suite.
pkgs=()
while IFS= read -r line; do
  line="${line%%#*}"; line="${line//[[:space:]]/}"
  [[ -n "${line}" ]] || continue
  if [[ "${line}" == *:* ]]; then
    [[ "${line%%:*}" == "${suite}" ]] || continue
    line="${line#*:}"
  fi
  pkgs+=("${line}")
done < "${here}/packages.txt"
include="$(IFS=,; echo "${pkgs[*]}")"

# Units that must not run in a lab host: consoles and device managers make no
# sense in a container, and systemd-sysctl / binfmt would write *global*
# kernel settings of the real machine through the privileged /proc/sys.
mask_units=(
  getty.target console-getty.service getty@tty1.service
  systemd-logind.service systemd-udevd.service systemd-udevd-control.socket
  systemd-udevd-kernel.socket systemd-udev-trigger.service systemd-udev-settle.service
  systemd-sysctl.service systemd-binfmt.service
  proc-sys-fs-binfmt_misc.automount proc-sys-fs-binfmt_misc.mount
  systemd-modules-load.service sys-kernel-config.mount sys-kernel-debug.mount
  sys-kernel-tracing.mount sys-fs-fuse-connections.mount
  systemd-firstboot.service systemd-remount-fs.service systemd-hwdb-update.service
  systemd-journald-audit.socket systemd-pstore.service
  apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service
  fstrim.timer systemd-timesyncd.service
)

tmp="${out}.partial.$$"
trap 'rm -f "${tmp}"' EXIT

hooks=(
  --customize-hook='rm -f "$1/etc/machine-id" "$1/var/lib/dbus/machine-id"; : > "$1/etc/machine-id"'
  --customize-hook="mkdir -p \"\$1/etc/systemd/system\"; for u in ${mask_units[*]}; do ln -sf /dev/null \"\$1/etc/systemd/system/\$u\"; done"
  --customize-hook='chroot "$1" systemctl enable docker.service >/dev/null 2>&1 || true'
  --customize-hook='rm -rf "$1/var/lib/apt/lists/"* "$1/var/cache/apt/"*.bin'
  # SSH like a real host: the sudo user dockernet (no password; lab.sh installs the controller's key at
  # `up`), sshd on the LAN address only, host keys made at first boot rather than shared by every image.
  --customize-hook='rm -f "$1"/etc/ssh/ssh_host_*'
  --customize-hook='chroot "$1" useradd --create-home --user-group --shell /bin/bash dockernet'
  --customize-hook='chroot "$1" usermod --password "*" dockernet'
  --customize-hook='mkdir -p "$1/etc/ssh/sshd_config.d" "$1/etc/systemd/system/ssh.service.d" "$1/usr/local/lib/dockernet-lab"'
  --customize-hook="upload ${here}/host-ssh/sshd-dockernet-lab.conf /etc/ssh/sshd_config.d/dockernet-lab.conf"
  --customize-hook="upload ${here}/host-ssh/ssh-service-dockernet-lab.conf /etc/systemd/system/ssh.service.d/dockernet-lab.conf"
  --customize-hook="upload ${here}/host-ssh/ssh_listen.py /usr/local/lib/dockernet-lab/ssh_listen.py"
  --customize-hook="upload ${here}/host-ssh/sudoers-dockernet /etc/sudoers.d/dockernet"
  --customize-hook='chmod 0644 "$1/etc/ssh/sshd_config.d/dockernet-lab.conf" "$1/etc/systemd/system/ssh.service.d/dockernet-lab.conf" "$1/usr/local/lib/dockernet-lab/ssh_listen.py"'
  --customize-hook='chmod 0440 "$1/etc/sudoers.d/dockernet"'
  --customize-hook='chroot "$1" systemctl enable ssh.service >/dev/null 2>&1 || true'
)
if [[ "${suite}" == "bookworm" ]]; then
  # Docker 20.10 gives privileged containers every capability the kernel knows;
  # the wrapper trims them to the bounding set (no-op where that set is full).
  hooks+=(
    --customize-hook='chroot "$1" dpkg-divert --quiet --local --rename --add /usr/sbin/runc'
    --customize-hook="upload ${here}/runc-capwrap /usr/sbin/runc"
    --customize-hook="upload ${here}/runc_capwrap.py /usr/sbin/runc_capwrap.py"
    --customize-hook='chmod 0755 "$1/usr/sbin/runc"'
  )
fi

unshare --mount --propagation private -- \
  mmdebstrap --mode=root --variant=apt --format=tar \
  --aptopt='Acquire::Check-Valid-Until "false"' \
  --aptopt='APT::Install-Recommends "false"' \
  --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-exclude=/usr/share/info/*' \
  --include="${include}" \
  "${hooks[@]}" \
  "${suite}" "${tmp}" "${mirror}"
mv -f "${tmp}" "${out}"
trap - EXIT
