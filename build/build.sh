#!/usr/bin/env bash
# Restores and builds the whole solution in Release. Extra arguments go to `dotnet build`.
set -euo pipefail
# shellcheck source=build/lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

ensure_dotnet_tools
dotnet restore "$ROOT/AbParts.sln"
dotnet build "$ROOT/AbParts.sln" -c Release --no-restore "$@"
