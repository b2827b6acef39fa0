package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

class SubcommandsTest {

  @Test
  void byNames_matchesEveryCommandsOwnNameAndAliases() {
    Map<String, Class<?>> expected = new HashMap<>();
    for (Class<?> c : Subcommands.all()) {
      Command command = c.getAnnotation(Command.class);
      expected.put(command.name(), c);
      for (String alias : command.aliases()) {
        expected.put(alias, c);
      }
    }
    assertEquals(expected, Subcommands.byNames());
  }

  @Test
  void reachable_namedSubcommandOnly_evenAfterValuedGlobalOptions() {
    assertEquals(List.of(ImagesCommand.class), Subcommands.reachable("images"));
    assertEquals(List.of(ImagesCommand.class),
        Subcommands.reachable("--root", "/tmp/x", "--driver", "vfs", "--format", "json", "images", "-q"));
    assertEquals(List.of(VolumeCommand.class), Subcommands.reachable("--debug", "volume", "ls"));
    assertEquals(List.of(UmountCommand.class), Subcommands.reachable("unmount", "c1"));
    // a global option's value that happens to be a command name is not the command
    assertEquals(List.of(InfoCommand.class), Subcommands.reachable("--root", "images", "info"));
  }

  @Test
  void reachable_versionNeedsNone_usageAndUnknownNeedAll() {
    assertEquals(List.of(), Subcommands.reachable("--version"));
    assertEquals(List.of(), Subcommands.reachable("-V"));
    assertEquals(Subcommands.all(), Subcommands.reachable());
    assertEquals(Subcommands.all(), Subcommands.reachable("--help"));
    assertEquals(Subcommands.all(), Subcommands.reachable("--version", "--help"));
    assertEquals(Subcommands.all(), Subcommands.reachable("imagez"));
  }

  @Test
  void usage_stillListsEverySubcommand() {
    StringWriter out = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(new StringWriter()), false, "--help");
    assertEquals(0, code);
    for (String name : List.of("info", "load", "images", "volume", "demo", "check")) {
      assertTrue(out.toString().contains("  " + name), name + " missing from usage:\n" + out);
    }
  }

  @Test
  void unknownSubcommand_isSuggestedFromAll() {
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), false, "imagez");
    assertEquals(2, code);
    assertTrue(err.toString().contains("images"), err.toString());
  }
}
