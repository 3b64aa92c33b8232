/**
 * TEST ONLY: a signer for synthetic Mach-O files with a throwaway CA. Nothing
 * here touches Apple's keys; the files are built at run time in os.tmpdir()
 * and never executed.
 */
export { makeCa, issueCertificate, OID, type CaOptions, type TestCa, type Issued, type CertificateSpec, type NameSpec } from './ca.js';
export { buildCms, type CmsOptions } from './cms.js';
export { entitlementsDer, entitlementsXml, type Entitlements } from './entitlements.js';
export { makeMachO, makeFat, filler, type Arch, type FileType, type MachOOptions, type FatSlice } from './macho.js';
export {
  signMachO,
  requirementSet,
  superblob,
  blob,
  cdhashOf,
  EMPTY_REQUIREMENTS,
  MAGIC,
  SLOT,
  CS_ADHOC,
  CS_RUNTIME,
  CS_LINKER_SIGNED,
  type SignOptions,
  type Tamper,
} from './codesign.js';
export { makeBundle, writeResources, type Bundle, type BundleOptions, type ResourceContent } from './bundle.js';
export { sealResources, DEFAULT_RULES, DEFAULT_RULES2, type Rules, type SealOptions } from './resources.js';
export { readSignature, badPages, hashFor, slicesOf, type ReadSignature, type ReadCodeDirectory } from './read.js';
