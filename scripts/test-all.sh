#!/usr/bin/env bash
# Runs every test of the workspace, as CI does: formatting and lints, the Rust
# tests (unit, integration, doc), then the Python and Node bindings' suites.
# Needs only the Rust toolchain, Python >= 3.10 with pip, and Node 20 with npm;
# it installs maturin, pytest and the napi CLI itself (into target/ and node_modules/).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# Disk: CI once ran out of it at the Node step, with 9.7 GB in target/. A build from scratch
# gains nothing from incremental compilation (3 GB of caches), and the steps below drop the
# build outputs that no later step reads (a clean run peaks at about 4.6 GB instead).
# KEEP_BUILDS=1 keeps them, for warm reruns on a developer's machine.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
free_disk() {
    if [ "${KEEP_BUILDS:-0}" != 1 ]; then
        step "free disk: $1"
        cargo clean "${@:2}"
    fi
}

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (workspace, all targets, -D warnings)"
cargo clippy --workspace --all-targets -- -D warnings

step "cargo clippy (core crate with the prophet feature, which no binding enables by default)"
cargo clippy -p aybiza-analytics --features prophet --lib --bins --test prophet -- -D warnings

step "cargo doc (core crate, -D warnings: no broken or private links)"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps -p aybiza-analytics --features bedrock,powerbi,prophet

step "Rust tests (the core crate and the examples)"
cargo test -p aybiza-analytics -p aybiza-examples

step "bedrock, powerbi and prophet features: the real clients against local Bedrock and Power BI servers, Prophet"
# The workspace clippy above already lints bedrock and powerbi (the bindings enable both); the
# llm:: and export::powerbi unit tests need no feature and ran above (a name filter here would
# also skip these binaries' tests). One build of the crate with the three features serves the
# three binaries.
cargo test -p aybiza-analytics --features bedrock,powerbi,prophet --test llm_bedrock --test powerbi --test prophet

free_disk "the Rust tests' builds (the bindings build the core with their own features)" \
    --profile dev -p aybiza-analytics -p aybiza-examples

step "Python bindings: build the wheel, check the stubs, pytest"
bash bindings-python/run-tests.sh

free_disk "the Python build (the Node addon is built for an explicit target, in its own directory)" \
    --profile dev

step "Node bindings: build the addon, node --test"
(
    cd bindings-node
    npm ci --no-audit --no-fund --loglevel=error
    npx napi build --platform
    git -C "$root" diff --exit-code -- bindings-node/index.js bindings-node/index.d.ts ||
        { echo "bindings-node/index.js or index.d.ts is stale: commit the regenerated files" >&2; exit 1; }
    node --test
)

step "all tests passed"
