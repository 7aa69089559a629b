#!/usr/bin/env node
// Check speedscope files: the JSON schema shipped in the speedscope npm
// package (dist/release/file-format-schema.json, validated with ajv), and
// the rules speedscope's importer enforces without the schema
// (../shared/docs/formats.md §4.2-4.4): exact $schema, frame indices in
// range, samples/weights of equal length with positive weights, evented
// "at" non-decreasing and >= startValue, every C closing the frame on top,
// nothing left open, no frame "key", values below 2^53, at least one profile.
// With --total N: the weights of all sampled profiles add up to N.
// With --depth N: no sample deeper than N frames.
// Gzip-compressed files are inflated first, as speedscope does.
//
// With --list LIST: LIST has lines "TOTAL<TAB>FILE" (TOTAL - for no check).
//
// usage: node validate.js [--total N] [--depth N] FILE...
//        node validate.js --list LIST
// Prints "ok FILE" or "FAIL FILE: why" per file; exit 1 if any failed.
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const Ajv = require('ajv');

const schemaFile = path.join(__dirname, 'node_modules', 'speedscope', 'dist', 'release',
  'file-format-schema.json');
const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8'));
const ajv = new Ajv({ allErrors: false, strict: false });
const validate = ajv.compile(schema);

function rules(d, opts) {
  if (d.$schema !== 'https://www.speedscope.app/file-format-schema.json') return 'wrong $schema';
  const nframes = d.shared.frames.length;
  for (const f of d.shared.frames) if ('key' in f) return 'a frame has a "key"';
  if (d.profiles.length === 0) return 'no profiles (speedscope: "it\'s empty!")';
  if (d.activeProfileIndex !== undefined &&
      !(d.activeProfileIndex >= 0 && d.activeProfileIndex < d.profiles.length))
    return 'activeProfileIndex out of range';
  const big = (v) => !Number.isSafeInteger(v);
  let total = 0;
  for (const [pi, p] of d.profiles.entries()) {
    const where = `profile ${pi} "${p.name}"`;
    if (big(p.startValue) || big(p.endValue)) return `${where}: start/end not a safe integer`;
    if (p.endValue < p.startValue) return `${where}: endValue < startValue`;
    if (p.type === 'sampled') {
      if (p.samples.length !== p.weights.length)
        return `${where}: samples.length ${p.samples.length} != weights.length ${p.weights.length}`;
      for (const [i, s] of p.samples.entries()) {
        if (opts.depth && s.length > opts.depth) return `${where}: sample ${i} has ${s.length} frames`;
        for (const f of s) if (!(Number.isInteger(f) && f >= 0 && f < nframes))
          return `${where}: sample ${i}: frame ${f} out of range`;
        const w = p.weights[i];
        if (!(w > 0) || big(w)) return `${where}: weight ${i} is ${w}`;
        total += w;
      }
    } else if (p.type === 'evented') {
      const stack = [];
      let last = p.startValue;
      for (const [i, e] of p.events.entries()) {
        if (!(Number.isInteger(e.frame) && e.frame >= 0 && e.frame < nframes))
          return `${where}: event ${i}: frame ${e.frame} out of range`;
        if (big(e.at) || e.at < last) return `${where}: event ${i}: at ${e.at} after ${last}`;
        last = e.at;
        if (e.type === 'O') {
          stack.push(e.frame);
          if (opts.depth && stack.length > opts.depth) return `${where}: event ${i}: depth ${stack.length}`;
        } else if (e.type === 'C') {
          if (stack.length === 0) return `${where}: event ${i}: close with nothing open`;
          const top = stack.pop();
          if (top !== e.frame) return `${where}: event ${i}: closes ${e.frame}, top is ${top}`;
        } else return `${where}: event ${i}: type ${e.type}`;
      }
      if (stack.length) return `${where}: ${stack.length} frames left open`;
    } else return `${where}: type ${p.type}`;
  }
  if (opts.total !== undefined && total !== opts.total)
    return `sampled weights add up to ${total}, expected ${opts.total}`;
  return null;
}

const args = process.argv.slice(2);
const opts = {};
let failed = 0;
while (args.length && args[0].startsWith('--')) {
  const k = args.shift().slice(2);
  const v = args.shift();
  opts[k] = k === 'list' ? v : Number(v);
}
const jobs = args.map((f) => [f, opts]);
if (opts.list !== undefined) {
  for (const line of fs.readFileSync(opts.list, 'utf8').split('\n')) {
    if (!line) continue;
    const [total, file] = line.split('\t');
    jobs.push([file, total === '-' ? {} : { total: Number(total) }]);
  }
}
for (const [file, o] of jobs) {
  let why = null;
  try {
    let bytes = fs.readFileSync(file);
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = zlib.gunzipSync(bytes);
    const d = JSON.parse(bytes.toString('utf8'));
    if (!validate(d)) why = 'schema: ' + ajv.errorsText(validate.errors);
    else why = rules(d, o);
  } catch (e) {
    why = String(e.message || e);
  }
  if (why) { failed++; console.log(`FAIL ${file}: ${why}`); } else console.log(`ok ${file}`);
}
process.exit(failed ? 1 : 0);
