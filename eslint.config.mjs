// ESLint (flat config): ESLint's and typescript-eslint's recommended rules, the latter with
// type information, over every TypeScript file in tsconfig.json's program (sources and __tests__).
import js from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import tseslint from "typescript-eslint";

export default defineConfig(
  // Generated output and caches (see .gitignore), and the few JavaScript files (configs,
  // scripts/*.cjs|mjs, Jest helpers): they are not in tsconfig.json's program, so the
  // type-checked rules cannot run on them.
  globalIgnores([
    "**/node_modules/",
    "cdktf.out/",
    ".build/",
    "dist/",
    "coverage/",
    "reports/",
    ".stryker-tmp/",
    ".cache/",
    ".gen/",
    "imports/",
    ".scratch/",
    "**/*.js",
    "**/*.cjs",
    "**/*.mjs",
  ]),
  {
    files: ["**/*.ts", "**/*.cts", "**/*.mts"],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    rules: {
      // Off: async marks Promise-returning implementations (handlers, stores, phases) so a throw rejects.
      "@typescript-eslint/require-await": "off",
      // `const { omitted: _omitted, ...rest } = object` is how the code leaves a property out.
      "@typescript-eslint/no-unused-vars": ["error", { ignoreRestSiblings: true }],
    },
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
);
