import type { Kysely, Migration, MigrationProvider } from "kysely";
import { initialSchema } from "./001-initial-schema.js";
import { datasetsSchema } from "./002-datasets.js";
import { modelRegistrySchema } from "./003-model-registry.js";
import { sweepsSchema } from "./004-sweeps.js";

export type Dialect = "sqlite" | "postgres";

/**
 * Versioned migrations, applied in name order on server start by both
 * adapters. Never edit one that has shipped: add the next.
 */
export function migrationProvider(dialect: Dialect): MigrationProvider {
  const all: Record<string, Migration> = {
    "001-initial-schema": initialSchema(dialect),
    "002-datasets": datasetsSchema(dialect),
    "003-model-registry": modelRegistrySchema(dialect),
    "004-sweeps": sweepsSchema(dialect),
  };
  return { getMigrations: async () => all };
}

export type AnyDb = Kysely<unknown>;
