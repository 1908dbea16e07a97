#!/bin/sh
# Keyway post-remove script for deb (postrm) and rpm (%postun), set as deb/rpm.afterRemove in
# electron-builder.yml (replacing electron-builder's default). Same template rules as after-install.sh:
# the two placeholders are filled in by electron-builder; shell variables are written $name.
# It cleans up only on a real removal: deb passes remove/purge (upgrade otherwise), rpm passes 0 on erase
# and 1 or more on upgrade (when the new version's %post has already run and must not be undone).

case "$1" in
  remove | purge | 0) ;;
  *) exit 0 ;;
esac

APP_DIR='/opt/${sanitizedProductName}'
EXECUTABLE='${executable}'
DESKTOP_FILE="$EXECUTABLE.desktop"

if command -v update-alternatives >/dev/null 2>&1; then
  update-alternatives --remove "$EXECUTABLE" "$APP_DIR/$EXECUTABLE" || true
else
  rm -f "/usr/bin/$EXECUTABLE"
fi

PROFILE_TARGET="/etc/apparmor.d/$EXECUTABLE"
if [ -f "$PROFILE_TARGET" ]; then
  if apparmor_status --enabled >/dev/null 2>&1 && ! { [ -x /usr/bin/ischroot ] && /usr/bin/ischroot; } &&
    command -v apparmor_parser >/dev/null 2>&1; then
    apparmor_parser --remove "$PROFILE_TARGET" || true
  fi
  rm -f "$PROFILE_TARGET"
fi

# The system-wide scheme defaults after-install.sh wrote (only lines naming Keyway's entry alone).
if [ -f /etc/xdg/mimeapps.list ]; then
  sed -i -E "/^x-scheme-handler\/(keyway|dev\.keyway\.app)=$DESKTOP_FILE;?\$/d" /etc/xdg/mimeapps.list || true
fi

if command -v update-desktop-database >/dev/null 2>&1; then
  update-desktop-database -q /usr/share/applications || true
fi

exit 0
