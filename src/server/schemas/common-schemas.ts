import { type TSchema, Type } from "@sinclair/typebox";

/** A metric value: a JSON number, or one of the strings standing in for NaN and ±Infinity. */
export const MetricValue = Type.Union(
  [Type.Number(), Type.Literal("NaN"), Type.Literal("Infinity"), Type.Literal("-Infinity")],
  { description: 'A number, or "NaN", "Infinity" or "-Infinity"' },
);

export const StringMap = Type.Record(Type.String(), Type.String());

export const LifecycleStage = Type.Union([Type.Literal("active"), Type.Literal("deleted")]);

export const ViewType = Type.Union([
  Type.Literal("ACTIVE_ONLY"),
  Type.Literal("DELETED_ONLY"),
  Type.Literal("ALL"),
]);

export const Empty = Type.Object({});

export const ErrorBody = Type.Object({
  error: Type.Object({
    code: Type.Union([
      Type.Literal("BAD_REQUEST"),
      Type.Literal("NOT_FOUND"),
      Type.Literal("CONFLICT"),
      Type.Literal("PAYLOAD_TOO_LARGE"),
      Type.Literal("UNAUTHENTICATED"),
      Type.Literal("INTERNAL"),
    ]),
    message: Type.String(),
    issues: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
  }),
});

export const RunIdParams = Type.Object({ id: Type.String() });

export const TagValueBody = Type.Object({ value: Type.String() });

/** The error responses every route may give, for the OpenAPI document. */
export function withErrors<T extends Record<number, TSchema>>(ok: T) {
  return { ...ok, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody, 413: ErrorBody, 500: ErrorBody };
}
