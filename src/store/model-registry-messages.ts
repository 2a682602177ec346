import { BadRequestError, ConflictError, NotFoundError } from "../domain/errors.js";

/** The registry's errors, worded once for both adapters. */
export function missingModel(name: string): NotFoundError {
  return new NotFoundError(`registered model ${JSON.stringify(name)} not found`);
}

export function missingVersion(name: string, version: number): NotFoundError {
  return new NotFoundError(`model ${JSON.stringify(name)} has no version ${version}`);
}

export function versionAliased(name: string, version: number, aliases: string[]): ConflictError {
  return new ConflictError(
    `version ${version} of model ${JSON.stringify(name)} is pointed at by alias ${aliases.map((a) => JSON.stringify(a)).join(", ")}; move the alias first`,
  );
}

export function noRollback(name: string, alias: string): BadRequestError {
  return new BadRequestError(
    `alias ${JSON.stringify(alias)} of model ${JSON.stringify(name)} has no earlier version to roll back to`,
  );
}

export function rollbackTargetDeleted(
  name: string,
  alias: string,
  version: number,
): BadRequestError {
  return new BadRequestError(
    `cannot roll back alias ${JSON.stringify(alias)} of model ${JSON.stringify(name)}: version ${version} was deleted`,
  );
}
