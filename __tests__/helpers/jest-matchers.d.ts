// Types of cdktf's Jest matchers, which Testing.setupJest() in setup.ts registers.
import "cdktf/lib/testing/adapters/jest";
