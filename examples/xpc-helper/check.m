#import <Security/Security.h>

static BOOL CheckClient(SecCodeRef code) {
    SecRequirementRef requirement = NULL;
    // Team ID in the CN and no Apple anchor: both are mistakes the linter reports.
    OSStatus status = SecRequirementCreateWithString(CFSTR("anchor trusted and certificate leaf[subject.CN] = \"ABCDE12345\""),
                                                     kSecCSDefaultFlags, &requirement);
    if (status != errSecSuccess) return NO;
    status = SecCodeCheckValidity(code, kSecCSDefaultFlags, requirement);
    CFRelease(requirement);
    return status == errSecSuccess;
}
