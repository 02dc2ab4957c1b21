/**
 * Access rules in the spirit of oslo.policy, small enough to read: {@link dev.ferry.server.policy.Rule}
 * (the parsed check language), {@link dev.ferry.server.policy.RuleParser}, and
 * {@link dev.ferry.server.policy.Policy} (named rules with Glance's names and defaults, overridable
 * from a JSON file). Knows {@link dev.ferry.server.identity.Identity}, nothing of HTTP.
 */
package dev.ferry.server.policy;
