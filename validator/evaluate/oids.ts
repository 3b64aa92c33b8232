/**
 * What the OIDs that appear in requirements mean (spec §6.1), so an
 * explanation can say "Developer ID Certification Authority marker" instead
 * of leaving the reader to look up 1.2.840.113635.100.6.2.6.
 */

const APPLE = '1.2.840.113635';

const MEANINGS: Record<string, string> = {
  [`${APPLE}.100.6.1.1`]: 'Apple Signing (deprecated)',
  [`${APPLE}.100.6.1.2`]: 'iPhone Developer / Apple Development leaf',
  [`${APPLE}.100.6.1.3`]: 'iOS App Store signing leaf',
  [`${APPLE}.100.6.1.3.1`]: 'iOS App Store QA leaf',
  [`${APPLE}.100.6.1.4`]: 'iPhone Distribution leaf',
  [`${APPLE}.100.6.1.5`]: 'Safari Developer leaf',
  [`${APPLE}.100.6.1.6`]: 'iPhone OS VPN signing leaf',
  [`${APPLE}.100.6.1.7`]: 'Mac App Signing (3rd Party Mac Developer Application) leaf',
  [`${APPLE}.100.6.1.8`]: 'Mac App Signing Submission leaf',
  [`${APPLE}.100.6.1.9`]: 'Mac App Store signing leaf',
  [`${APPLE}.100.6.1.9.1`]: 'Mac App Store QA leaf',
  [`${APPLE}.100.6.1.10`]: 'Mac App Store Installer signing leaf',
  [`${APPLE}.100.6.1.12`]: 'Mac Developer / Apple Development leaf',
  [`${APPLE}.100.6.1.13`]: 'Developer ID Application leaf',
  [`${APPLE}.100.6.1.14`]: 'Developer ID Installer leaf',
  [`${APPLE}.100.6.1.16`]: 'Apple Pay Passbook signing leaf',
  [`${APPLE}.100.6.1.17`]: 'Web Site Push Notifications signing leaf',
  [`${APPLE}.100.6.1.18`]: 'Developer ID Kernel leaf',
  [`${APPLE}.100.6.1.24`]: 'tvOS App Store leaf',
  [`${APPLE}.100.6.1.24.1`]: 'tvOS App Store QA leaf',
  [`${APPLE}.100.6.1.25.1`]: 'TestFlight leaf',
  [`${APPLE}.100.6.1.25.2`]: 'TestFlight QA leaf',
  [`${APPLE}.100.6.1.33`]: 'Developer ID date (account creation)',
  [`${APPLE}.100.6.2.1`]: 'WWDR intermediate marker (Apple Development / App Store)',
  [`${APPLE}.100.6.2.2`]: 'iTunes Store intermediate marker',
  [`${APPLE}.100.6.2.3`]: 'Application Integration intermediate marker',
  [`${APPLE}.100.6.2.6`]: 'Developer ID Certification Authority marker',
  [`${APPLE}.100.6.2.7`]: 'Apple ID intermediate marker',
  [`${APPLE}.100.6.2.9`]: 'Apple Timestamp CA marker',
  [`${APPLE}.100.6.2.10`]: 'System Integration 2 intermediate marker',
  [`${APPLE}.100.6.2.11`]: 'Developer Authentication CA marker',
  [`${APPLE}.100.6.2.12`]: 'Server Authentication CA marker',
  [`${APPLE}.100.6.2.14`]: 'Application Integration G3 intermediate marker',
  [`${APPLE}.100.6.2.15`]: 'WWDR G2 intermediate marker',
  [`${APPLE}.100.6.2.19`]: 'Software Update Certification intermediate marker',
  [`${APPLE}.100.6.2.31`]: 'Application Integration G1 intermediate marker',
  [`${APPLE}.100.6.22`]: 'macOS Software Signing leaf marker (Apple\'s own code)',
  [`${APPLE}.100.6.22.1`]: 'macOS Software Signing ProdQA leaf marker',
  [`${APPLE}.100.4.8`]: 'Safari Developer EKU',
  [`${APPLE}.100.4.9`]: '3rd Party Mac Developer Installer EKU',
  [`${APPLE}.100.4.13`]: 'Developer ID Installer EKU',
  [`${APPLE}.100.5.1`]: 'Apple certificate policy',
};

/** The meaning of a dotted OID, if it is a known one. */
export function oidMeaning(oid: string): string | undefined {
  return MEANINGS[oid];
}

/** `1.2.3 (meaning)` or just the OID. */
export function describeOid(oid: string): string {
  const m = oidMeaning(oid);
  return m ? `${oid} (${m})` : oid === '' ? '(empty OID)' : oid;
}
