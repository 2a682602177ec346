import { Command } from "commander";
import { dataAddCommand } from "./data/data-add-command.js";
import {
  dataGcCommand,
  dataRetentionCommand,
  dataVerifyCommand,
} from "./data/data-admin-commands.js";
import { dataCheckoutCommand } from "./data/data-checkout-command.js";
import {
  dataDiffCommand,
  dataShowCommand,
  dataVersionsCommand,
} from "./data/data-inspect-commands.js";
import { dataStatusCommand } from "./data/data-status-command.js";

/** `lockstep data …` (INTERFACE.md, "Data"). */
export function dataCommand(): Command {
  return new Command("data")
    .description("versioned, deduplicated datasets with time travel")
    .addCommand(dataAddCommand())
    .addCommand(dataVersionsCommand())
    .addCommand(dataShowCommand())
    .addCommand(dataCheckoutCommand())
    .addCommand(dataDiffCommand())
    .addCommand(dataStatusCommand())
    .addCommand(dataVerifyCommand())
    .addCommand(dataGcCommand())
    .addCommand(dataRetentionCommand());
}
