/** Where the test PostgreSQL listens; override with LOCKSTEP_TEST_PG. */
export declare const TEST_PG_ADMIN_URL: string;
/**
 * Whether PostgreSQL answers. In CI (CI=true) an unreachable PostgreSQL is a
 * failure, never a skip: the suites that need it throw instead.
 */
export declare function postgresAvailable(): Promise<boolean>;
/** A fresh, empty database for one test file; `drop()` removes it. */
export declare function createTestDatabase(): Promise<{
    url: string;
    drop: () => Promise<void>;
}>;
