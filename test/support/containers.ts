/**
 * Realistic container files for the lint tests, written the way real projects
 * and Mac admins write them: a Privacy Preferences Policy Control profile, an
 * AutoPkg download recipe as a plist and as YAML, and the SMJobBless pair of
 * Info.plists with the designated requirements Xcode generates. Tests write
 * them into a temporary folder of their own.
 */

/** A PPPC (TCC) profile: a sound Developer ID requirement, a CVE-2026-24070-style one, Apple's own receiver and an identifier-only sender. */
export const PPPC_PROFILE = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>PayloadContent</key>
	<array>
		<dict>
			<key>PayloadDescription</key>
			<string>Grants Full Disk Access to the backup agent</string>
			<key>PayloadDisplayName</key>
			<string>Privacy Preferences Policy Control</string>
			<key>PayloadIdentifier</key>
			<string>com.example.pppc.7E1A2B3C-4D5E-6F70-8192-A3B4C5D6E7F8</string>
			<key>PayloadType</key>
			<string>com.apple.TCC.configuration-profile-policy</string>
			<key>PayloadUUID</key>
			<string>7E1A2B3C-4D5E-6F70-8192-A3B4C5D6E7F8</string>
			<key>PayloadVersion</key>
			<integer>1</integer>
			<key>Services</key>
			<dict>
				<key>SystemPolicyAllFiles</key>
				<array>
					<dict>
						<key>Allowed</key>
						<true/>
						<key>CodeRequirement</key>
						<string>identifier "com.example.backup-agent" and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = "ABCDE12345"</string>
						<key>Comment</key>
						<string>Backup agent (Developer ID)</string>
						<key>Identifier</key>
						<string>com.example.backup-agent</string>
						<key>IdentifierType</key>
						<string>bundleID</string>
						<key>StaticCode</key>
						<false/>
					</dict>
					<dict>
						<key>Allowed</key>
						<true/>
						<key>CodeRequirement</key>
						<string>identifier "com.example.sync" and anchor trusted and certificate leaf[subject.CN] = "ABCDE12345"</string>
						<key>Identifier</key>
						<string>/usr/local/bin/example-sync</string>
						<key>IdentifierType</key>
						<string>path</string>
					</dict>
				</array>
				<key>AppleEvents</key>
				<array>
					<dict>
						<key>AEReceiverCodeRequirement</key>
						<string>identifier "com.apple.systemevents" and anchor apple</string>
						<key>AEReceiverIdentifier</key>
						<string>com.apple.systemevents</string>
						<key>AEReceiverIdentifierType</key>
						<string>bundleID</string>
						<key>Allowed</key>
						<true/>
						<key>CodeRequirement</key>
						<string>identifier "com.example.automator"</string>
						<key>Identifier</key>
						<string>com.example.automator</string>
						<key>IdentifierType</key>
						<string>bundleID</string>
					</dict>
				</array>
			</dict>
		</dict>
	</array>
	<key>PayloadDisplayName</key>
	<string>Example PPPC</string>
	<key>PayloadIdentifier</key>
	<string>com.example.pppc</string>
	<key>PayloadScope</key>
	<string>System</string>
	<key>PayloadType</key>
	<string>Configuration</string>
	<key>PayloadUUID</key>
	<string>0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0</string>
	<key>PayloadVersion</key>
	<integer>1</integer>
</dict>
</plist>
`;

/** An AutoPkg download recipe (plist): `Arguments` comes before `Processor`, as plistlib writes keys in order. */
export const RECIPE_PLIST = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>Description</key>
	<string>Downloads the latest version of Example.</string>
	<key>Identifier</key>
	<string>com.github.example.download.Example</string>
	<key>Input</key>
	<dict>
		<key>NAME</key>
		<string>Example</string>
	</dict>
	<key>MinimumVersion</key>
	<string>1.0.0</string>
	<key>Process</key>
	<array>
		<dict>
			<key>Arguments</key>
			<dict>
				<key>url</key>
				<string>https://downloads.example.com/Example.dmg</string>
			</dict>
			<key>Processor</key>
			<string>URLDownloader</string>
		</dict>
		<dict>
			<key>Processor</key>
			<string>EndOfCheckPhase</string>
		</dict>
		<dict>
			<key>Arguments</key>
			<dict>
				<key>input_path</key>
				<string>%pathname%/Example.app</string>
				<key>requirement</key>
				<string>identifier "com.example.Example" and anchor apple generic</string>
			</dict>
			<key>Processor</key>
			<string>CodeSignatureVerifier</string>
		</dict>
	</array>
</dict>
</plist>
`;

/** The same recipe in YAML: one verifier with a plain scalar, one with a quoted one and the Processor key last. */
export const RECIPE_YAML = `Description: Downloads the latest version of Example.
Identifier: com.github.example.download.Example-yaml
MinimumVersion: "2.3"

Input:
  NAME: Example

Process:
  - Processor: URLDownloader
    Arguments:
      url: https://downloads.example.com/Example.dmg
      filename: "%NAME%.dmg"

  - Processor: EndOfCheckPhase

  - Processor: CodeSignatureVerifier
    Arguments:
      input_path: "%pathname%/Example.app"
      requirement: identifier "com.example.Example" and anchor apple generic and certificate leaf[subject.CN] = "ABCDE12345"

  - Arguments:
      input_path: "%pathname%/Example.app/Contents/Helpers/Agent.app"
      requirement: 'identifier "com.example.Agent" and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = "ABCDE12345"'
    Processor: com.github.autopkg.shared/CodeSignatureVerifier
`;

/** The helper side of SMJobBless: the app's designated requirement as Xcode generates it. */
export const HELPER_INFO_PLIST = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>CFBundleIdentifier</key>
	<string>com.example.PrivilegedHelper</string>
	<key>CFBundleInfoDictionaryVersion</key>
	<string>6.0</string>
	<key>CFBundleName</key>
	<string>PrivilegedHelper</string>
	<key>CFBundleVersion</key>
	<string>1.4.2</string>
	<key>SMAuthorizedClients</key>
	<array>
		<string>anchor apple generic and identifier "com.example.App" and (certificate leaf[field.1.2.840.113635.100.6.1.9] /* exists */ or certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = "ABCDE12345")</string>
	</array>
</dict>
</plist>
`;

/** The app side: the helper's Xcode DR (unquoted team, as the decompiler prints it) and a helper pinned to a development certificate. */
export const APP_INFO_PLIST = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>CFBundleExecutable</key>
	<string>$(EXECUTABLE_NAME)</string>
	<key>CFBundleIdentifier</key>
	<string>com.example.App</string>
	<key>SMPrivilegedExecutables</key>
	<dict>
		<key>com.example.PrivilegedHelper</key>
		<string>identifier "com.example.PrivilegedHelper" and anchor apple generic and (certificate leaf[field.1.2.840.113635.100.6.1.9] /* exists */ or certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = ABCDE12345)</string>
		<key>com.example.UpdaterHelper</key>
		<string>identifier "com.example.UpdaterHelper" and anchor apple generic and certificate leaf[subject.CN] = "Apple Development: Jane Appleseed (K2L3M4N5P6)" and certificate 1[field.1.2.840.113635.100.6.2.1] /* exists */</string>
	</dict>
</dict>
</plist>
`;
