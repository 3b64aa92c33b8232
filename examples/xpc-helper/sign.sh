#!/bin/sh
# Sign the helper with an explicit designated requirement, then test it.
codesign -s "Developer ID Application" -r='designated => identifier "com.example.helper" and anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345"' build/helper
codesign --test-requirement='=anchor apple generic' -v build/helper
