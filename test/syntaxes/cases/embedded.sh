# SYNTAX TEST "source.shell" "requirement text on codesign and csreq command lines"
codesign -s "$ID" -r='designated => anchor apple generic' build/Tool
#                 ^^ meta.embedded.requirement.csreq variable.parameter.option.shell
#                     ^^^^^^^^^^ source.csreq.embedded storage.type.requirement-type.csreq
#                                ^^ source.csreq.embedded keyword.operator.arrow.csreq
codesign --verify -R '=identifier "com.example.tool" and anchor apple generic' build/Tool
#                      ^^^^^^^^^^ source.csreq.embedded keyword.other.predicate.csreq
#                                 ^^^^^^^^^^^^^^^^^^ source.csreq.embedded string.quoted.double.csreq
csreq -r="=anchor apple generic and identifier \"$NAME\"" -b out.bin
#          ^^^^^^ source.csreq.embedded keyword.other.certificate.csreq
#                                                ^^^^^ source.csreq.embedded string.quoted.double.csreq variable.other.expansion.shell
codesign -s "$ID" -r='designated => identifier $self.identifier and anchor apple generic' x
#                                              ^^^^^^^^^^^^^^^^ source.csreq.embedded variable.language.self.csreq
rm -r build
#     ^^^^^ - source.csreq.embedded
