/**
 * Parity of our requirement parser/compiler with Apple's own
 * (SecRequirementCreateWithStringAndErrors + SecRequirementCopyData +
 * SecRequirementCopyString) on the spec's accept/reject list. macOS only for
 * the live comparison; `--recorded` compares against the results the spec
 * records instead (runs anywhere).
 *
 * scripts/ is not part of the tsc project, so bundle it first:
 *   npx esbuild scripts/parity-macos.ts --bundle --platform=node --format=esm \
 *     --packages=external --outfile=out/scripts/parity-macos.mjs
 *   node out/scripts/parity-macos.mjs [--recorded] [--json]
 *
 * Every disagreement is printed. Exit status: 0 none that matter, 1 a
 * disagreement on acceptance, bytes or text (or, with --strict-messages, on
 * error wording too), 2 cannot run here.
 */
import { loadNative } from '../native/index.js';
import { compareWithOracle, formatDisagreement, isFatal, liveOracle, PARITY_CASES, recordedOracle, type Oracle } from '../engine/apple/parity.js';

async function main(argv: string[]): Promise<number> {
  const recorded = argv.includes('--recorded');
  const json = argv.includes('--json');
  let oracle: Oracle;
  let label: string;
  if (recorded) {
    oracle = recordedOracle(PARITY_CASES);
    label = 'results recorded in the spec';
  } else {
    const native = loadNative();
    if (!native.available) {
      process.stderr.write(`parity-macos: native addon not available: ${native.reason}\n`);
      return 2;
    }
    if (native.backend !== 'security-framework') {
      process.stderr.write(`parity-macos: needs macOS Security.framework (this is ${native.platform}); use --recorded\n`);
      return 2;
    }
    oracle = liveOracle((text) => native.parseRequirement(text));
    label = 'Security.framework (SecRequirementCreateWithStringAndErrors)';
  }
  const disagreements = await compareWithOracle(PARITY_CASES, oracle);
  if (json) {
    process.stdout.write(JSON.stringify({ oracle: label, cases: PARITY_CASES.length, disagreements }, null, 2) + '\n');
  } else {
    for (const d of disagreements) process.stdout.write(formatDisagreement(d) + '\n');
    process.stdout.write(`parity: ${PARITY_CASES.length} cases against ${label}: ${disagreements.length} disagreement(s)\n`);
  }
  // Error-wording differences are printed; only language disagreements fail (unless --strict-messages).
  const failing = argv.includes('--strict-messages') ? disagreements : disagreements.filter(isFatal);
  return failing.length === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`parity-macos: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 2;
  },
);
