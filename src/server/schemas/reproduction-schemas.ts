import { Type } from "@sinclair/typebox";

export const ReproductionRecord = Type.Object({
  runId: Type.String(),
  status: Type.String(),
  startTime: Type.Number(),
  endTime: Type.Union([Type.Number(), Type.Null()]),
  verdict: Type.Union([
    Type.Literal("identical"),
    Type.Literal("within_tolerance"),
    Type.Literal("diverged"),
    Type.Literal("not_reproducible"),
    Type.Null(),
  ]),
  seeds: Type.Union([Type.Integer(), Type.Null()]),
});

export const ReproductionListResponse = Type.Object({
  count: Type.Integer(),
  reproductions: Type.Array(ReproductionRecord),
});
