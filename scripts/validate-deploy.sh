#!/usr/bin/env bash
# Validates deploy/ without a Docker engine or a cluster:
#
#   scripts/validate-deploy.sh              # checks deploy/
#   scripts/validate-deploy.sh DIR          # checks a copy of deploy/ in DIR (with the same layout)
#
#   1. YAML lint (yamllint, deploy/.yamllint) of every YAML file
#   2. Kubernetes manifests against the API schemas, unknown fields refused, and
#      kustomization.yaml against the folder (node, deploy/validate/validate-k8s.mjs); the
#      CloudNativePG Cluster against the operator's API types (@kubernetes-models/cloudnative-pg)
#      and, with CNPG_CRDS=FILE-OR-FOLDER of the operator's CRDs, against their openAPIV3Schema;
#      with kubectl installed, also the output of `kubectl kustomize`
#   3. the SQL copies in deploy/k8s/sql/ equal deploy/sql/
#   4. compose.yaml against the Compose Specification's schema, its services, order and
#      settings, and the collector's pipelines (deploy/validate/validate-compose.mjs)
#   5. the Dockerfile: a basic lint (hadolint is not in the package registries reachable here)
#   6. shell scripts under deploy/ and this script with shellcheck, when installed
#
# Needs yamllint (Debian package; installed here when missing and running as root), Node.js and
# npm (the first run installs deploy/validate's pinned packages from package-lock.json; after
# that everything runs offline). Exits non-zero on any problem.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEPLOY="$(cd "${1:-$ROOT/deploy}" && pwd)"
VALIDATE="$ROOT/deploy/validate"
problems=0

step() { printf '\n== %s\n' "$*"; }
problem() { printf 'FAIL %s\n' "$*" >&2; problems=$((problems + 1)); }
# Runs a check; a failure is counted, and the script goes on to the next check.
check() { "$@" || problem "$*"; }

# ---- tools -------------------------------------------------------------------------------------
if ! command -v yamllint >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "yamllint is missing: installing Debian's package"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq yamllint >/dev/null
  else
    echo "yamllint is missing: install it (apt-get install yamllint, or pip install yamllint)" >&2
    exit 2
  fi
fi
for tool in node npm; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$tool is missing: install Node.js 20 or later" >&2; exit 2; }
done
# kubernetes-models asks for Node 22 or later; it runs on Node 20 as used here (npm warns).
if [ ! -d "$VALIDATE/node_modules/kubernetes-models" ] || [ ! -d "$VALIDATE/node_modules/@kubernetes-models/cloudnative-pg" ] || [ "$VALIDATE/package-lock.json" -nt "$VALIDATE/node_modules/.package-lock.json" ]; then
  echo "installing deploy/validate's packages (npm ci, versions from package-lock.json)"
  if ! (cd "$VALIDATE" && npm ci --no-audit --no-fund --loglevel=error); then
    echo "npm ci failed in deploy/validate" >&2
    exit 2
  fi
fi
echo "tools: $(yamllint --version), node $(node --version), kubernetes-models $(node -p "require('$VALIDATE/node_modules/kubernetes-models/package.json').version"), @kubernetes-models/cloudnative-pg $(node -p "require('$VALIDATE/node_modules/@kubernetes-models/cloudnative-pg/package.json').version")"

# ---- 1. YAML lint ------------------------------------------------------------------------------
step "1. yamllint ($DEPLOY)"
mapfile -t yaml_files < <(find "$DEPLOY" \( -name node_modules -o -name secrets \) -prune -o -type f \( -name '*.yaml' -o -name '*.yml' \) -print | sort)
if [ "${#yaml_files[@]}" -eq 0 ]; then
  problem "no YAML files under $DEPLOY"
elif yamllint --strict -c "$ROOT/deploy/.yamllint" "${yaml_files[@]}"; then
  echo "ok   ${#yaml_files[@]} YAML files lint clean: ${yaml_files[*]#"$DEPLOY"/}"
else
  problem "yamllint"
fi

# ---- 2. Kubernetes -----------------------------------------------------------------------------
step "2. Kubernetes manifests against the API schemas ($DEPLOY/k8s)"
if [ -n "${CNPG_CRDS:-}" ]; then
  echo "CNPG_CRDS=$CNPG_CRDS: the CloudNativePG documents are also validated against those CRDs"
else
  echo "skip CNPG_CRDS is not set: the CloudNativePG documents are checked against @kubernetes-models/cloudnative-pg only, not against a CRD"
fi
check node "$VALIDATE/validate-k8s.mjs" "$DEPLOY/k8s"
if command -v kubectl >/dev/null 2>&1; then
  built="$(mktemp --suffix=.yaml)"
  trap 'rm -f "$built"' EXIT
  if kubectl kustomize "$DEPLOY/k8s" >"$built" 2>"$built.err"; then
    echo "ok   kubectl kustomize builds $(grep -c '^kind:' "$built") objects; checking the built output (generated ConfigMap, image names):"
    check node "$VALIDATE/validate-k8s.mjs" "$built"
  else
    problem "kubectl kustomize: $(cat "$built.err")"
  fi
  rm -f "$built.err"
else
  echo "skip kubectl is not installed: the kustomize build itself is not checked"
fi

# ---- 3. SQL copies -----------------------------------------------------------------------------
step "3. deploy/k8s/sql/ equals deploy/sql/ (kustomize reads no file outside deploy/k8s)"
for copy in "$DEPLOY"/k8s/sql/*.sql; do
  original="$DEPLOY/sql/$(basename "$copy")"
  if cmp -s "$copy" "$original"; then
    echo "ok   k8s/sql/$(basename "$copy") = sql/$(basename "$copy")"
  else
    problem "k8s/sql/$(basename "$copy") differs from sql/$(basename "$copy"): cp deploy/sql/$(basename "$copy") deploy/k8s/sql/"
  fi
done

# ---- 4. compose --------------------------------------------------------------------------------
step "4. compose.yaml ($DEPLOY/compose.yaml)"
check node "$VALIDATE/validate-compose.mjs" "$DEPLOY/compose.yaml"

# ---- 5. Dockerfile -----------------------------------------------------------------------------
# A basic lint, not hadolint (which no package registry reachable here has). The image itself
# is not built: there is no Docker engine here.
step "5. Dockerfile ($DEPLOY/Dockerfile)"
dockerfile="$DEPLOY/Dockerfile"
lint_dockerfile() {
  local file="$1" bad=0
  # Instructions with their continuation lines joined, comments dropped.
  local instructions
  instructions="$(sed -e '/^[[:space:]]*#/d' "$file" | sed -e ':a' -e '/\\$/N; s/\\\n/ /; ta')"
  local froms last_from stage_count
  froms="$(grep -iE '^FROM[[:space:]]' <<<"$instructions" || true)"
  stage_count="$(grep -c . <<<"$froms" || true)"
  last_from="$(tail -n 1 <<<"$froms")"
  say() { printf '%-4s %s\n' "$1" "$2"; [ "$1" = ok ] || bad=1; }
  # has PATTERN TEXT: whether TEXT has a line matching the extended regular expression PATTERN.
  has() { grep -qiE "$1" <<<"$2"; }
  # want PATTERN MESSAGE-IF-THERE MESSAGE-IF-NOT; refuse PATTERN MESSAGE-IF-THERE MESSAGE-IF-NOT.
  want() { if has "$1" "$instructions"; then say ok "$2"; else say FAIL "$3"; fi; }
  refuse() { if has "$1" "$instructions"; then say FAIL "$2"; else say ok "$3"; fi; }

  if [ "$stage_count" -ge 2 ]; then say ok "multi-stage: $stage_count FROM lines"; else say FAIL "not multi-stage ($stage_count FROM)"; fi
  want '^FROM[[:space:]]+[^[:space:]]+[[:space:]]+AS[[:space:]]+build([[:space:]]|$)' "a stage named build" "no 'FROM ... AS build' stage"
  if has 'dotnet/sdk' "$last_from"; then say FAIL "the final stage is the SDK image"; else say ok "final stage: ${last_from#FROM }"; fi
  # A base image without a tag, or :latest (a FROM naming an earlier stage has no tag either).
  if grep -iE '^FROM[[:space:]]+[^[:space:]]+:latest([[:space:]]|$)|^FROM[[:space:]]+[^:[:space:]]+([[:space:]]|$)' <<<"$froms" | grep -qviE '^FROM[[:space:]]+(build|runtime)([[:space:]]|$)'; then
    say FAIL "a FROM without a pinned tag (or :latest)"
  else
    say ok "every base image has a tag other than latest"
  fi
  # USER in the final stage, and not root.
  local final_user
  final_user="$(awk -v n="$stage_count" 'toupper($1)=="FROM"{s++} s==n && toupper($1)=="USER"{u=$2} END{print u}' <<<"$instructions")"
  case "$final_user" in
    "") say FAIL "no USER in the final stage (it would run as root)" ;;
    root | 0 | 0:* | root:*) say FAIL "the final stage runs as $final_user" ;;
    *) say ok "final stage runs as USER $final_user" ;;
  esac
  refuse '^ADD[[:space:]].*(https?|ftp)://' "ADD of a URL (use a build stage that verifies downloads)" "no ADD of a URL"
  refuse '^ADD[[:space:]]' "ADD where COPY would do" "COPY, not ADD"
  refuse '^(ENV|ARG)[[:space:]].*(PASSWORD|SECRET|TOKEN)[A-Z_]*=' "a password, secret or token in ENV or ARG" "no secrets in ENV or ARG"
  want '^ENTRYPOINT[[:space:]]+\[' "ENTRYPOINT in exec form (signals reach the process)" "ENTRYPOINT not in exec form"
  want '^EXPOSE[[:space:]]+8080' "EXPOSE 8080" "no EXPOSE 8080"
  want 'ASPNETCORE_URLS=http://\+:8080' "ASPNETCORE_URLS=http://+:8080" "ASPNETCORE_URLS is not http://+:8080"
  # Every COPY from the build context names something that exists (the context is the repository root).
  local source missing=0
  while read -r source; do
    [ -e "$ROOT/$source" ] || { say FAIL "COPY source $source does not exist in the repository"; missing=1; }
  done < <(grep -E '^COPY[[:space:]]' <<<"$instructions" | grep -v -- '--from=' | awk '{for (i = 2; i < NF; i++) if ($i !~ /^--/) print $i}')
  [ "$missing" = 0 ] && say ok "every COPY source from the build context exists"
  # The build's own settings: SDK band, properties (warnings as errors), package versions, and
  # the analysers' settings, without which the Release build fails.
  local setting absent=()
  for setting in global.json Directory.Build.props Directory.Packages.props .editorconfig; do
    has "^COPY[[:space:]](.*[[:space:]])?${setting//./\\.}([[:space:]]|$)" "$instructions" || absent+=("$setting")
  done
  if [ "${#absent[@]}" -eq 0 ]; then
    say ok "the build stage copies global.json, Directory.Build.props, Directory.Packages.props, .editorconfig"
  else
    say FAIL "the build stage does not copy ${absent[*]}"
  fi
  local ignore="$file.dockerignore" pattern
  if [ -f "$ignore" ]; then
    local unexcluded=()
    for pattern in bin/ obj/ .git/ .local/ bench-results/ TestResults/; do
      grep -qxE "(\*\*/)?${pattern//./\\.}" "$ignore" || unexcluded+=("$pattern")
    done
    if [ "${#unexcluded[@]}" -eq 0 ]; then
      say ok "$(basename "$ignore") excludes bin/, obj/, .git/, .local/, bench-results/, TestResults/"
    else
      say FAIL "$(basename "$ignore") does not exclude ${unexcluded[*]}"
    fi
  else
    say FAIL "no $(basename "$ignore") beside the Dockerfile"
  fi
  return "$bad"
}
if [ -f "$dockerfile" ]; then
  check lint_dockerfile "$dockerfile"
else
  problem "no $dockerfile"
fi

# ---- 6. shell scripts --------------------------------------------------------------------------
step "6. shellcheck"
if command -v shellcheck >/dev/null 2>&1; then
  mapfile -t scripts < <(find "$DEPLOY" -name node_modules -prune -o -type f -name '*.sh' -print | sort)
  if shellcheck "${BASH_SOURCE[0]}" "${scripts[@]}"; then
    echo "ok   shellcheck: scripts/validate-deploy.sh ${scripts[*]#"$DEPLOY"/}"
  else
    problem "shellcheck"
  fi
else
  echo "skip shellcheck is not installed (apt-get install shellcheck)"
fi

# ---- the verdict -------------------------------------------------------------------------------
echo
echo "Not checked here (no Docker engine, no cluster): that the image builds and starts, that compose"
echo "starts, and anything only a cluster knows (admission, Secrets, images, the ingress)."
if [ "$problems" -eq 0 ]; then
  echo "validate-deploy: all checks passed"
else
  echo "validate-deploy: $problems check(s) failed" >&2
  exit 1
fi
