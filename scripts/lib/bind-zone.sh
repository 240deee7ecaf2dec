# Sourced by scripts/local-bind and scripts/new-zone: the one update-policy grant and the one rendering of bind-config/zone.template.

# Escapes a value for the replacement side of a sed s||| command.
sed_escape() {
  local v=$1
  v=${v//\\/\\\\}
  v=${v//&/\\&}
  v=${v//|/\\|}
  printf '%s' "$v"
}

# Prints the update-policy block that lets key $1 change A, AAAA and TXT records only, indented by $2.
# An MX, NS, SOA or any other update with that key is REFUSED by named. TXT is for ACME DNS-01
# challenges: update-policy cannot limit it to _acme-challenge names, so the gateway does.
update_policy_grant() {
  local key=$1 indent=${2:-}
  printf '%supdate-policy {\n%s    grant %s zonesub A AAAA TXT;\n%s};\n' "$indent" "$indent" "$key" "$indent"
}

# Prints zone template $1 for zone $2 with nameserver $3 and hostmaster $4 (both absolute,
# with the trailing dot) and SOA serial $5; the template's ';;' comment lines are dropped.
render_zone_template() {
  local template=$1 zone=$2 ns=$3 hostmaster=$4 serial=$5
  sed -e '/^;;/d' \
      -e "s|@ZONE@|$(sed_escape "$zone")|g" \
      -e "s|@NS@|$(sed_escape "$ns")|g" \
      -e "s|@HOSTMASTER@|$(sed_escape "$hostmaster")|g" \
      -e "s|@SERIAL@|$serial|g" \
      "$template"
}
