// SYNTAX TEST "source.objc" "requirement strings in Objective-C and C calls"
    OSStatus s = SecRequirementCreateWithString(CFSTR("anchor apple generic and certificate leaf[subject.OU] = \"ABCDE12345\""), 0, &r);
//               ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ support.function.requirement-api.csreq
//                                                     ^^^^^^ source.csreq.embedded keyword.other.certificate.csreq
//                                                                                               ^^^^^^^ source.csreq.embedded meta.brackets.key.csreq support.type.key-prefix.csreq
//                                                                                                               ^^^^^^^^^^ source.csreq.embedded string.quoted.double.csreq
    [connection setCodeSigningRequirement:@"identifier \"com.example.app\" and anchor apple generic"];
//                                          ^^^^^^^^^^ source.csreq.embedded keyword.other.predicate.csreq
//                                                                                          ^^^^^^^ source.csreq.embedded support.constant.anchor.csreq
    xpc_connection_set_peer_code_signing_requirement(peer, "anchor apple generic");
//                                                          ^^^^^^ source.csreq.embedded keyword.other.certificate.csreq
    NSLog(@"anchor apple generic");
//          ^^^^^^ - source.csreq.embedded
