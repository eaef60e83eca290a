#!/usr/bin/env node
// The installed `kakeibo` command: a committed, executable shim in front of the compiled CLI.
import '../dist/bin.js';
