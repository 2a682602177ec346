import { randomInt } from "node:crypto";

// MLflow names unnamed runs adjective-noun-number ("bold-crab-123"); users and
// its UI recognise the pattern.
const ADJECTIVES = (
  "able agile amazing bold brave bright calm capable clean classy clever crisp curious dapper " +
  "defiant eager fearless funny gentle gifted glamorous golden grandiose honest humble " +
  "industrious judicious kindly learned loud lucky mysterious nimble polite quiet rare " +
  "resilient rogue sassy secretive sedate silent skillful smiling stately sincere tasteful " +
  "thoughtful unequaled upbeat valuable vaunted victorious wise youthful zealous"
).split(" ");

const NOUNS = (
  "ant ape asp auk bass bat bear bee bird boar bug calf carp cat chimp cod colt conch cow " +
  "crab crane croc crow cub deer doe dog dolphin donkey dove duck eel elk fawn finch fish " +
  "flea fly foal fowl fox frog gnat gnu goat goose grouse grub gull hare hawk hen hog horse " +
  "hound jay kit kite koi lamb lark loon lynx mare midge mink mole moose moth mouse mule newt " +
  "owl ox panda penguin perch pig pug quail ram rat ray robin roo rook seal shad shark sheep " +
  "shoat shrew shrike shrimp skink skunk sloth slug smelt snail snake snipe sow sponge squid " +
  "stag steed stoat swan tern toad trout turtle vole wasp whale wolf worm wren yak zebra"
).split(" ");

function pick(words: readonly string[]): string {
  return words[randomInt(words.length)] ?? "run";
}

/** A generated run name such as `bold-crab-123`. */
export function generateRunName(): string {
  return `${pick(ADJECTIVES)}-${pick(NOUNS)}-${randomInt(1000)}`;
}
