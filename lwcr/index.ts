/** The LWCR layer's public surface: model, readers, codec, envelope, validation. Pure: no I/O; imports only grammar/. */
export * from './value.js';
export * from './model.js';
export type * from './ast.js';
export * from './diagnostics.js';
export { analyse, CDHASH_LENGTH, type Analysis, type AnalyseOptions } from './analyse.js';
export { decodeValue, encodeValue, decodeDocument, encodeDocument, intContent, TAG, type DerDocument } from './der.js';
export * from './envelope.js';
export { parseLwcrJson, printLwcrJson, JSON_DATA_KEY } from './json.js';
export { parseLwcrXmlPlist, printLwcrXmlPlist } from './xml-plist.js';
export { parseLwcrBplist, isBplist } from './bplist.js';
export { readLwcrBytes, readLwcrText, type LwcrDocument, type LwcrForm } from './read.js';
export { defaultDesignatedLwcr, type DesignatedInputs } from './default-designated.js';
export { classicToLwcr, lwcrToClassic, CATEGORY_FORMS, type ToLwcrResult, type ToClassicResult, type TranslationNote } from './translate.js';
