# Builds native/ into build/Release/csrl_native.node (N-API only, so the same
# binary loads in Node and in VS Code's Electron). Sources live in native/src;
# node-gyp wants this file at the package root.
{
  "targets": [
    {
      "target_name": "csrl_native",
      "sources": ["native/src/addon.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-fexceptions"],
      "conditions": [
        ["OS=='linux'", {
          "sources": ["native/src/linux_proc.cc", "native/src/security_unsupported.cc"]
        }],
        ["OS=='mac'", {
          "sources": ["native/src/mac_proc.cc", "native/src/mac_security.cc", "native/src/mac_cf.cc"],
          "link_settings": {
            "libraries": ["-framework CoreFoundation", "-framework Security", "-lbsm"]
          },
          "xcode_settings": {
            "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
            "CLANG_CXX_LIBRARY": "libc++",
            "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
            "MACOSX_DEPLOYMENT_TARGET": "11.0",
            "OTHER_CPLUSPLUSFLAGS": ["-Wall", "-Wextra"]
          }
        }],
        ["OS=='win'", {
          "sources": ["native/src/unsupported_proc.cc", "native/src/security_unsupported.cc"],
          "msvs_settings": {
            "VCCLCompilerTool": { "ExceptionHandling": 1, "AdditionalOptions": ["/std:c++17"] }
          }
        }],
        ["OS!='linux' and OS!='mac' and OS!='win'", {
          "sources": ["native/src/unsupported_proc.cc", "native/src/security_unsupported.cc"]
        }]
      ]
    }
  ]
}
