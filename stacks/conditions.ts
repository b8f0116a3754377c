/** Small Terraform expressions the constructs share. */
import { TerraformVariable, Token } from "cdktf";

/** `count` of a resource that exists only when a bool variable is true. */
export function countWhen(flag: TerraformVariable): number {
  return Token.asNumber(`\${${flag.fqn} ? 1 : 0}`);
}

/** `count` of a resource that exists only when an optional variable is set (and a bool variable is true, if given). */
export function countWhenSet(optional: TerraformVariable, flag?: TerraformVariable): number {
  return Token.asNumber(`\${${optional.fqn} != null${flag ? ` && ${flag.fqn}` : ""} ? 1 : 0}`);
}
