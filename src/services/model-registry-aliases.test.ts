import { expect, it } from "vitest";
import { describeOnEachStore, unique } from "../../test/support/registry-harness.js";
import { BadRequestError, NotFoundError } from "../domain/errors.js";

// Alias moves, their history, rollback and concurrent moves, through the service.
describeOnEachStore("ModelRegistryService aliases", (registry) => {
  const modelWithVersions = (count: number) => registry().modelWithVersions(count);

  it("moves an alias, keeping each move with its time and user", async () => {
    const { models, clock } = registry();
    const name = await modelWithVersions(3);
    clock.now = Date.UTC(2026, 10, 3, 8);
    const first = await models.setAlias({ name, alias: "production", version: 1, user: "ada" });
    expect(first).toMatchObject({
      name,
      alias: "production",
      fromVersion: null,
      toVersion: 1,
      kind: "set",
      user: "ada",
      at: clock.now,
    });
    clock.now = Date.UTC(2026, 10, 3, 9);
    // An empty user is recorded as "unknown", as the API's default.
    await models.setAlias({ name, alias: "production", version: 3, user: "" });
    // Pointing the alias where it already points is not a move.
    expect(
      await models.setAlias({ name, alias: "production", version: 3, user: "bob" }),
    ).toBeUndefined();
    clock.now = Date.UTC(2026, 10, 3, 10);
    await models.setAlias({ name, alias: "staging", version: 2, user: "bob" });

    const history = await models.aliasHistory(name, "production");
    expect(history.map((m) => [m.fromVersion, m.toVersion, m.kind, m.user, m.at])).toEqual([
      [null, 1, "set", "ada", Date.UTC(2026, 10, 3, 8)],
      [1, 3, "set", "unknown", Date.UTC(2026, 10, 3, 9)],
    ]);
    expect((await models.getModel(name)).aliases).toEqual({ production: 3, staging: 2 });
    expect((await models.getVersion(name, 3)).aliases).toEqual(["production"]);
    expect((await models.resolve(`models:/${name}@production`)).version).toBe(3);
    expect((await models.resolve(`models:/${name}@latest`)).version).toBe(3);
    expect((await models.resolve(`models:/${name}/2`)).aliases).toEqual(["staging"]);

    // A version or model that does not exist is refused without a move.
    await expect(models.setAlias({ name, alias: "production", version: 9 })).rejects.toThrow(
      `model "${name}" has no version 9`,
    );
    const nobody = unique("nobody");
    await expect(
      models.setAlias({ name: nobody, alias: "production", version: 1 }),
    ).rejects.toThrow(`registered model "${nobody}" not found`);
    expect(await models.aliasHistory(name, "production")).toEqual(history);

    clock.now = Date.UTC(2026, 10, 3, 11);
    const removed = await models.deleteAlias({ name, alias: "staging", user: "cy" });
    expect(removed).toMatchObject({
      fromVersion: 2,
      toVersion: null,
      kind: "delete",
      user: "cy",
    });
    await expect(models.resolve(`models:/${name}@staging`)).rejects.toThrow(
      `model "${name}" has no alias "staging"`,
    );
    await expect(models.deleteAlias({ name, alias: "staging" })).rejects.toThrow(NotFoundError);
  });

  it("rolls back twice in a row, then refuses with a clear error", async () => {
    const { models, clock } = registry();
    const name = await modelWithVersions(3);
    for (const [version, user] of [
      [1, "ada"],
      [2, "bob"],
      [3, "cy"],
    ] as const) {
      clock.now += 1000;
      await models.setAlias({ name, alias: "production", version, user });
    }
    clock.now += 1000;
    const back = await models.rollbackAlias({ name, alias: "production", user: "ops" });
    expect(back).toMatchObject({
      fromVersion: 3,
      toVersion: 2,
      kind: "rollback",
      user: "ops",
      at: clock.now,
    });
    const again = await models.rollbackAlias({ name, alias: "production" });
    expect(again).toMatchObject({ fromVersion: 2, toVersion: 1, user: "unknown" });
    expect((await models.resolve(`models:/${name}@production`)).version).toBe(1);
    const third = models.rollbackAlias({ name, alias: "production" });
    await expect(third).rejects.toThrow(BadRequestError);
    await expect(third).rejects.toThrow(
      `alias "production" of model "${name}" has no earlier version to roll back to`,
    );
    expect((await models.aliasHistory(name, "production")).map((m) => m.kind)).toEqual([
      "set",
      "set",
      "set",
      "rollback",
      "rollback",
    ]);
    expect((await models.getModel(name)).aliases).toEqual({ production: 1 });
  });

  it("refuses to roll back an alias that has no history, naming it", async () => {
    const { models } = registry();
    const name = await modelWithVersions(2);
    const rolling = models.rollbackAlias({ name, alias: "staging", user: "ops" });
    await expect(rolling).rejects.toThrow(NotFoundError);
    await expect(rolling).rejects.toThrow(`model "${name}" has no alias "staging"`);
    expect(await models.aliasHistory(name, "staging")).toEqual([]);
    const nobody = unique("nobody");
    await expect(models.rollbackAlias({ name: nobody, alias: "staging" })).rejects.toThrow(
      `registered model "${nobody}" not found`,
    );

    // A deleted alias still has history: rolling back restores it.
    await models.setAlias({ name, alias: "staging", version: 2 });
    await models.deleteAlias({ name, alias: "staging" });
    const restored = await models.rollbackAlias({ name, alias: "staging" });
    expect(restored).toMatchObject({ fromVersion: null, toVersion: 2, kind: "rollback" });
    expect((await models.getModel(name)).aliases).toEqual({ staging: 2 });
  });

  it("keeps every move of 20 concurrent alias moves and 5 concurrent rollbacks", async () => {
    const { models } = registry();
    const name = await modelWithVersions(20);
    // Every move targets its own version, so none is a no-op and all 20 must be kept.
    const moves = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        models.setAlias({ name, alias: "production", version: i + 1, user: `u${i}` }),
      ),
    );
    const history = await models.aliasHistory(name, "production");
    expect(history).toHaveLength(20);
    expect(history.map((m) => m.user).sort()).toEqual(moves.map((m) => m?.user).sort());
    expect(new Set(history.map((m) => m.toVersion)).size).toBe(20);
    expect([...history].sort((x, y) => x.seq - y.seq)).toEqual(history);
    for (const move of moves) expect(history).toContainEqual(move);
    // Each move starts where the one before it ended: none was lost or overwritten.
    expect(history[0]?.fromVersion).toBeNull();
    for (let i = 1; i < history.length; i++) {
      expect(history[i]?.fromVersion).toBe(history[i - 1]?.toVersion);
    }
    expect((await models.getModel(name)).aliases.production).toBe(history.at(-1)?.toVersion);

    // Five racing rollbacks undo the last five moves, each exactly once.
    const rollbacks = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        models.rollbackAlias({ name, alias: "production", user: `r${i}` }),
      ),
    );
    const undone = rollbacks.map((m) => m.fromVersion).sort((x, y) => (x ?? 0) - (y ?? 0));
    const lastFive = history
      .slice(15)
      .map((m) => m.toVersion)
      .sort((x, y) => (x ?? 0) - (y ?? 0));
    expect(undone).toEqual(lastFive);
    expect((await models.getModel(name)).aliases.production).toBe(history[14]?.toVersion);
    expect(await models.aliasHistory(name, "production")).toHaveLength(25);
  });
});
