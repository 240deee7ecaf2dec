# Writes the installed /etc/dyndns-gateway/gateway.yaml: example.yaml with absolute paths; fails when example.yaml's lines moved.
#
# example.yaml's paths are relative to the file's directory, which suits a demo directory but not
# an installed system: the store would be /etc/dyndns-gateway/gateway.sqlite, and /etc is read-only
# to the service (ProtectSystem=strict) and not where Debian keeps state. So the store moves to
# STATE_DIR, the TSIG key is BIND's own file, and the TLS pair is named in full under CONF_DIR.
# Everything else, comments included, stays as example.yaml has it.
foreach(var EXAMPLE OUTPUT CONF_DIR STATE_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "installed-config.cmake: -D${var}= is required")
  endif()
endforeach()

file(READ ${EXAMPLE} text)

function(replace_line from to)
  string(FIND "${text}" "\n${from}\n" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "installed-config.cmake: ${EXAMPLE} no longer has the line '${from}'; update packaging/installed-config.cmake")
  endif()
  string(CONCAT to_text "${to}" ${ARGN})
  string(REPLACE "\n${from}\n" "\n${to_text}\n" replaced "${text}")
  set(text "${replaced}" PARENT_SCOPE)
endfunction()

replace_line("  certificate: tls/cert.pem" "  certificate: ${CONF_DIR}/tls/cert.pem")
replace_line("  private_key: tls/key.pem" "  private_key: ${CONF_DIR}/tls/key.pem")
replace_line("  key_file: tsig.key"
             "  # The service reads BIND's file as a member of group bind, or as a systemd credential:\n"
             "  # see dyndns-gateway.yaml(5) and /usr/share/doc/dyndns-gateway/examples/.\n"
             "  key_file: /etc/bind/dyndns-gateway.key")
replace_line("  path: gateway.sqlite" "  path: ${STATE_DIR}/gateway.sqlite")

string(CONCAT header
  "# ${CONF_DIR}/gateway.yaml: the installed gateway's configuration (a conffile: your changes survive upgrades).\n"
  "# Generated from the project's example.yaml with absolute paths for an installed system; see\n"
  "# dyndns-gateway.yaml(5). After a change: dyndns-gateway --check-config ${CONF_DIR}/gateway.yaml,\n"
  "# then systemctl restart dyndns-gateway.\n"
  "#\n")
file(WRITE ${OUTPUT}.tmp "${header}${text}")
file(RENAME ${OUTPUT}.tmp ${OUTPUT})
