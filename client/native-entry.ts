/** The status bar's entry into the engine, bundled apart as dist/native.cjs (see engine/validator-status.ts). */
export { validatorStatus, type ValidatorStatus } from '../engine/validator-status.js';
