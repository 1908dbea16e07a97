#!/bin/sh
# Keyway post-install script for deb (postinst) and rpm (%post), set as deb/rpm.afterInstall in
# electron-builder.yml. It replaces electron-builder's default script, so it does what that one does
# (command on PATH, Chromium sandbox, AppArmor profile, MIME and desktop databases) and then makes Keyway
# the system-wide handler of its URL schemes.
# electron-builder fills in the two placeholders in single quotes below (its template syntax is a
# dollar sign and braces); shell variables in this file are therefore always written $name, without braces.
# POSIX sh: rpm runs scriptlets with /bin/sh. Nothing here may fail the installation.

APP_DIR='/opt/${sanitizedProductName}'
EXECUTABLE='${executable}'
DESKTOP_FILE="$EXECUTABLE.desktop"
SCHEMES='keyway dev.keyway.app'

# The command on PATH.
if command -v update-alternatives >/dev/null 2>&1; then
  if [ -L "/usr/bin/$EXECUTABLE" ] && [ -e "/usr/bin/$EXECUTABLE" ] &&
    [ "$(readlink "/usr/bin/$EXECUTABLE")" != "/etc/alternatives/$EXECUTABLE" ]; then
    rm -f "/usr/bin/$EXECUTABLE"
  fi
  update-alternatives --install "/usr/bin/$EXECUTABLE" "$EXECUTABLE" "$APP_DIR/$EXECUTABLE" 100 ||
    ln -sf "$APP_DIR/$EXECUTABLE" "/usr/bin/$EXECUTABLE"
else
  ln -sf "$APP_DIR/$EXECUTABLE" "/usr/bin/$EXECUTABLE"
fi

# Chromium's sandbox: the SUID helper only where unprivileged user namespaces do not work.
if [ -L /proc/self/ns/user ] && unshare --user true >/dev/null 2>&1; then
  chmod 0755 "$APP_DIR/chrome-sandbox" || true
else
  chmod 4755 "$APP_DIR/chrome-sandbox" || true
fi

# AppArmor (Ubuntu 24.04+ allows user namespaces only to profiled programs). Skipped where the installed
# AppArmor cannot parse the bundled profile (e.g. Ubuntu 22.04, which does not need it), and not loaded
# into the kernel inside a chroot (image builds).
if apparmor_status --enabled >/dev/null 2>&1; then
  PROFILE_SOURCE="$APP_DIR/resources/apparmor-profile"
  PROFILE_TARGET="/etc/apparmor.d/$EXECUTABLE"
  if apparmor_parser --skip-kernel-load --debug "$PROFILE_SOURCE" >/dev/null 2>&1; then
    cp -f "$PROFILE_SOURCE" "$PROFILE_TARGET" || true
    if ! { [ -x /usr/bin/ischroot ] && /usr/bin/ischroot; } && command -v apparmor_parser >/dev/null 2>&1; then
      apparmor_parser --replace --write-cache --skip-read-cache "$PROFILE_TARGET" || true
    fi
  else
    echo "Keyway: skipping the AppArmor profile (this AppArmor does not support it)."
  fi
fi

# MIME and desktop databases: makes the .desktop entry's MimeType (x-scheme-handler/…) known.
if command -v update-mime-database >/dev/null 2>&1; then
  update-mime-database /usr/share/mime || true
fi
if command -v update-desktop-database >/dev/null 2>&1; then
  update-desktop-database -q /usr/share/applications || true
fi

# keyway:// and dev.keyway.app open Keyway for every user: xdg-mime writes the default into
# $XDG_CONFIG_HOME/mimeapps.list, and /etc/xdg is where every user's lookup ends (XDG_CONFIG_DIRS).
# A user's own choice in ~/.config/mimeapps.list still comes first.
if command -v xdg-mime >/dev/null 2>&1; then
  for scheme in $SCHEMES; do
    XDG_CONFIG_HOME=/etc/xdg xdg-mime default "$DESKTOP_FILE" "x-scheme-handler/$scheme" || true
  done
fi

exit 0
