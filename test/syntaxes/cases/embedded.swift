// SYNTAX TEST "source.swift" "requirement strings in Swift calls"
connection.setCodeSigningRequirement("identifier \"com.example.app\" and anchor apple generic")
//         ^^^^^^^^^^^^^^^^^^^^^^^^^ meta.embedded.requirement.csreq support.function.requirement-api.csreq
//                                    ^^^^^^^^^^ source.csreq.embedded keyword.other.predicate.csreq
//                                               ^^ source.csreq.embedded string.quoted.double.csreq punctuation.definition.string.begin.csreq
//                                                                   ^^^ keyword.operator.logical.csreq
let status = SecRequirementCreateWithString(#"anchor apple generic and identifier "x""# as CFString, [], &r)
//                                            ^^^^^^ source.csreq.embedded keyword.other.certificate.csreq
//                                                                                ^^^ source.csreq.embedded string.quoted.double.csreq
//                                                                                   ^^ string.quoted.double.raw.swift punctuation.definition.string.end.swift - source.csreq.embedded
listener.setConnectionCodeSigningRequirement("""
    certificate leaf[subject.OU] = "ABCDE12345"
//  ^^^^^^^^^^^ source.csreq.embedded keyword.other.certificate.csreq
//                                 ^^^^^^^^^^^^ source.csreq.embedded string.quoted.double.csreq
    """)
//  ^^^ punctuation.definition.string.end.swift - source.csreq.embedded
print("identifier \"not a requirement\"")
//     ^^^^^^^^^^ string.quoted.double.single-line.swift - source.csreq.embedded
