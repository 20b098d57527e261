#!/usr/bin/env -S node --import tsx
// The commands from src/ through tsx, for development. CommonJS like bin/run.js (bin/package.json);
// oclif gets the package root, where it finds package.json.
const { join } = require('node:path');

import('@oclif/core').then(({ execute }) => execute({ development: true, dir: join(__dirname, '..') }));
