#!/usr/bin/env bash
# docs.sh: writes docs/configuration.md from `sonde config reference` (the one source of the reference; a test
# checks that the page is in step). Run after changing a component's settings.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product sonde >/dev/null
bin=$(swift build --show-bin-path)/sonde
{
  cat <<'HEAD'
# Configuration

Settings come from, in increasing precedence: defaults, a YAML file (`--config FILE` or `SONDE_CONFIG`),
`SONDE_…` environment variables, and flags. Unknown keys and variables are errors. `sonde config check FILE`
reports every error with its place, for the file and for `--output` URLs (`sonde config check --output URL`);
`sonde config reference` prints the reference below. Each output and transform reads its own keys: the
reference is made from their own descriptions, so it cannot leave one out.

```
$ sonde config check bad.yaml
bad.yaml:2:13: ports: "99999" is not a port (1-65535)
bad.yaml:5:13: outputs[0].format: unknown value "jsn" (expected text, json, yaml, csv, template)
bad.yaml:6:11: outputs[1].kind: unknown output kind "kafka" (expected stdout, dnstap, file)
bad.yaml:7:1: colour: unknown key (expected identity, ports, progress, stats_interval, metrics_listen, api, stats, statsd, log_level, log_format, reassembly, matching, unanswered, join, summary, inputs, transforms, outputs)
bad.yaml: 4 errors
```

Sizes are written `512K`, `100M`, `2G`; durations `500ms`, `10s`, `5m`, `1h`, `1d`.

HEAD
  echo '```yaml'
  "$bin" config reference
  echo '```'
} > docs/configuration.md
echo "wrote docs/configuration.md"
