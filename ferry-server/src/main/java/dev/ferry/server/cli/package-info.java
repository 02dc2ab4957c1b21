/**
 * The {@code ferry} command line (hand-parsed, see CommandArgs): {@link dev.ferry.server.cli.FerryCli} and one class per
 * subcommand. {@link dev.ferry.server.cli.ServeCommand} loads the configuration and starts a
 * {@link dev.ferry.server.FerryServer}; its "ferry listening on" line on stdout is a contract.
 */
package dev.ferry.server.cli;
