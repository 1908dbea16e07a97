; Keyway's additions to electron-builder's NSIS installer (electron-builder.yml: nsis.include).
;  - Registers the keyway:// deep-link scheme and dev.keyway.app (the RFC 8252 private-use redirect scheme
;    of the OIDC fallback) under Software\Classes of HKLM (per-machine) or HKCU (per-user): SHCTX follows
;    the install mode. Uninstall removes them again, only while they still point at this installation.
;  - Removes, for the installing/uninstalling user, the HKCU registration older Keyway builds wrote at
;    every launch (app.setAsDefaultProtocolClient); this build leaves registration to the installer, so
;    a per-machine uninstall would otherwise leave a dead keyway:// handler in that user's hive.
;  - Writes preset machine policy from installer switches (/SERVER=… and friends, see
;    installer-policy.nsh, generated from the policy schema) into HKLM\Software\Policies\Keyway. That needs
;    a per-machine installation: /S /allusers when silent. The policy stays on uninstall (it is IT's).
; Silent install: Keyway-Setup-<version>-<arch>.exe /S [/allusers | /currentuser] [/SERVER=https://…] [/D=dir]

!include "LogicLib.nsh"
!include "FileFunc.nsh"
!include "installer-policy.nsh"

!define KEYWAY_EXE "$INSTDIR\${APP_EXECUTABLE_FILENAME}"
; "--" ends option parsing: a crafted link can never be read as a Chromium/Electron switch.
!define KEYWAY_OPEN_COMMAND "$\"${KEYWAY_EXE}$\" -- $\"%1$\""

!macro keywayRegisterScheme SCHEME
  WriteRegStr SHCTX "Software\Classes\${SCHEME}" "" "URL:${PRODUCT_NAME}"
  WriteRegStr SHCTX "Software\Classes\${SCHEME}" "URL Protocol" ""
  WriteRegStr SHCTX "Software\Classes\${SCHEME}\DefaultIcon" "" "$\"${KEYWAY_EXE}$\",0"
  WriteRegStr SHCTX "Software\Classes\${SCHEME}\shell\open\command" "" "${KEYWAY_OPEN_COMMAND}"
!macroend

; What Electron's app.setAsDefaultProtocolClient(scheme, exe, ["--"]) writes: the executable, then each
; argument, then "%1", every one quoted (shell/browser/browser_win.cc, GetProtocolLaunchPath). Older
; Keyway builds wrote it to HKCU\Software\Classes at every launch.
!define KEYWAY_RUNTIME_COMMAND "$\"${KEYWAY_EXE}$\" $\"--$\" $\"%1$\""

; Removes HKCU's registration of SCHEME while it opens this installation (the runtime form or ours;
; NSIS compares strings case-insensitively, as Windows compares paths). Another program's is kept.
!macro keywayUnregisterRuntimeScheme SCHEME
  Push $0
  ReadRegStr $0 HKCU "Software\Classes\${SCHEME}\shell\open\command" ""
  ${If} $0 == "${KEYWAY_RUNTIME_COMMAND}"
  ${OrIf} $0 == "${KEYWAY_OPEN_COMMAND}"
    DeleteRegKey HKCU "Software\Classes\${SCHEME}"
  ${EndIf}
  Pop $0
!macroend

!macro keywayUnregisterScheme SCHEME
  Push $0
  ReadRegStr $0 SHCTX "Software\Classes\${SCHEME}\shell\open\command" ""
  ${If} $0 == "${KEYWAY_OPEN_COMMAND}"
    DeleteRegKey SHCTX "Software\Classes\${SCHEME}"
  ${EndIf}
  Pop $0
!macroend

!define KEYWAY_NEEDS_ALL_USERS "Preset Keyway settings (/SERVER= and the other policy switches) are written to HKLM\Software\Policies\Keyway and need a per-machine installation. Install for all users (silently: /S /allusers, from an elevated prompt)."

; A silent per-user install with policy switches would install without them: refuse before anything happens.
!macro customInit
  Push $R0
  !insertmacro keywayHasPolicySwitches $R0
  ${If} $R0 == "1"
  ${AndIf} $installMode != "all"
  ${AndIf} ${Silent}
    MessageBox MB_ICONSTOP|MB_OK "${KEYWAY_NEEDS_ALL_USERS}" /SD IDOK
    SetErrorLevel 2
    Quit
  ${EndIf}
  Pop $R0
!macroend

!macro customInstall
  ; An older build's runtime registration first (per user it is rewritten just below; per machine it
  ; would otherwise shadow the HKLM one for this user).
  !insertmacro keywayUnregisterRuntimeScheme "keyway"
  !insertmacro keywayUnregisterRuntimeScheme "dev.keyway.app"
  !insertmacro keywayRegisterScheme "keyway"
  !insertmacro keywayRegisterScheme "dev.keyway.app"

  Push $R0
  !insertmacro keywayHasPolicySwitches $R0
  ${If} $R0 == "1"
    ${If} $installMode == "all"
      !insertmacro keywayWritePolicy
    ${Else}
      ; Interactive install where the user chose "Only for me": the app is installed, the policy is not.
      MessageBox MB_ICONEXCLAMATION|MB_OK "${KEYWAY_NEEDS_ALL_USERS}" /SD IDOK
      SetErrorLevel 2
    ${EndIf}
  ${EndIf}
  Pop $R0
!macroend

!macro customUnInstall
  !insertmacro keywayUnregisterScheme "keyway"
  !insertmacro keywayUnregisterScheme "dev.keyway.app"
  !insertmacro keywayUnregisterRuntimeScheme "keyway"
  !insertmacro keywayUnregisterRuntimeScheme "dev.keyway.app"
!macroend
