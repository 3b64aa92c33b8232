/**
 * Code that builds a lightweight code requirement as an XPC dictionary (what
 * xpc_connection_set_peer_lightweight_code_requirement takes), in C (also
 * Objective-C) and Swift. Only the XPC C API of macOS 10.7 is used
 * (xpc_dictionary_create, xpc_array_create, the scalar constructors,
 * xpc_dictionary_set_value, xpc_array_append_value), so building the
 * dictionary needs no availability check of its own. Every key and string
 * goes through the literal writers of language-service/embedded/escape.ts.
 */
import { cStringLiteral, swiftStringLiteral } from '../embedded/escape.js';
import type { LwValue } from '../../lwcr/value.js';

const INT64_MIN = -(2n ** 63n);

function cInt(v: bigint): string {
  // -9223372036854775808 is not a C literal (the magnitude overflows before the minus).
  return v === INT64_MIN ? '(int64_t)(-9223372036854775807LL - 1)' : `(int64_t)${v}LL`;
}

function octal(bytes: Uint8Array): string {
  let s = '"';
  for (const b of bytes) s += '\\' + b.toString(8).padStart(3, '0');
  return s + '"';
}

/**
 * C statements that leave the dictionary in `xpc_object_t <name>`. With
 * `release` (C without ARC), every intermediate object is released once it
 * is stored; under ARC (Objective-C) the compiler does it.
 */
export function cLwcrBuilder(value: LwValue, name: string, release: boolean, indent = '    '): string[] {
  const lines: string[] = [];
  let n = 0;
  const emit = (v: LwValue, into: string): void => {
    switch (v.kind) {
      case 'dict':
        lines.push(`${indent}xpc_object_t ${into} = xpc_dictionary_create(NULL, NULL, 0);`);
        for (const e of v.entries) {
          const child = `${name}_${++n}`;
          emit(e.value, child);
          lines.push(`${indent}xpc_dictionary_set_value(${into}, ${cStringLiteral(e.key)}, ${child});`);
          if (release) lines.push(`${indent}xpc_release(${child});`);
        }
        return;
      case 'array':
        lines.push(`${indent}xpc_object_t ${into} = xpc_array_create(NULL, 0);`);
        for (const item of v.items) {
          const child = `${name}_${++n}`;
          emit(item, child);
          lines.push(`${indent}xpc_array_append_value(${into}, ${child});`);
          if (release) lines.push(`${indent}xpc_release(${child});`);
        }
        return;
      case 'string':
        lines.push(`${indent}xpc_object_t ${into} = xpc_string_create(${cStringLiteral(v.value)});`);
        return;
      case 'int':
        lines.push(`${indent}xpc_object_t ${into} = xpc_int64_create(${cInt(v.value)});`);
        return;
      case 'bool':
        lines.push(`${indent}xpc_object_t ${into} = xpc_bool_create(${v.value ? 'true' : 'false'});`);
        return;
      case 'data':
        lines.push(`${indent}xpc_object_t ${into} = xpc_data_create(${octal(v.bytes)}, ${v.bytes.length});`);
        return;
    }
  };
  emit(value, name);
  return lines;
}

/** Swift statements that leave the dictionary in `let <name>: xpc_object_t`. */
export function swiftLwcrBuilder(value: LwValue, name: string, indent = '    '): string[] {
  const lines: string[] = [];
  let n = 0;
  const emit = (v: LwValue, into: string): void => {
    switch (v.kind) {
      case 'dict':
        lines.push(`${indent}let ${into} = xpc_dictionary_create(nil, nil, 0)`);
        for (const e of v.entries) {
          const child = `${name}${++n}`;
          emit(e.value, child);
          lines.push(`${indent}xpc_dictionary_set_value(${into}, ${swiftStringLiteral(e.key)}, ${child})`);
        }
        return;
      case 'array':
        lines.push(`${indent}let ${into} = xpc_array_create(nil, 0)`);
        for (const item of v.items) {
          const child = `${name}${++n}`;
          emit(item, child);
          lines.push(`${indent}xpc_array_append_value(${into}, ${child})`);
        }
        return;
      case 'string':
        lines.push(`${indent}let ${into} = xpc_string_create(${swiftStringLiteral(v.value)})`);
        return;
      case 'int':
        lines.push(`${indent}let ${into} = xpc_int64_create(${v.value === INT64_MIN ? 'Int64.min' : `${v.value}`})`);
        return;
      case 'bool':
        lines.push(`${indent}let ${into} = xpc_bool_create(${v.value})`);
        return;
      case 'data':
        lines.push(`${indent}let ${into} = [UInt8]([${[...v.bytes].map((b) => `0x${b.toString(16).padStart(2, '0')}`).join(', ')}]).withUnsafeBytes { xpc_data_create($0.baseAddress, $0.count) }`);
        return;
    }
  };
  emit(value, name);
  return lines;
}
