package dev.strata.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;

/**
 * The subcommands of {@code strata}, registered only when the command line can reach them. picocli
 * builds a command's model by reflecting over its annotations, which for all of them took most of
 * a half-second start; a run needs just the one it names ({@code strata --version} none, usage
 * and unknown names all, so help and suggestions still list everything).
 */
final class Subcommands {

  /** In the order usage lists them. */
  private static final List<Class<?>> ALL = List.of(
      InfoCommand.class, LoadCommand.class, SaveCommand.class, ImportCommand.class,
      ImagesCommand.class, RmiCommand.class, TagCommand.class, PullCommand.class, PushCommand.class,
      LoginCommand.class, LogoutCommand.class, CreateCommand.class, MountCommand.class,
      UmountCommand.class, BundleCommand.class, RmCommand.class, PsCommand.class, DiffCommand.class,
      CommitCommand.class, ExportCommand.class, LayersCommand.class, CheckCommand.class,
      VolumeCommand.class, SystemCommand.class, ServeCommand.class, DemoCommand.class);

  /** Names and aliases; a test checks this against the commands' own annotations. */
  private static final Map<String, Class<?>> BY_NAME = byName();

  /** Options of {@link StrataCommand} that take a value as the next argument. */
  private static final Set<String> VALUED = Set.of("--root", "--driver", "--storage-opt", "--format");

  private Subcommands() {}

  private static Map<String, Class<?>> byName() {
    Map<String, Class<?>> m = new LinkedHashMap<>();
    m.put("info", InfoCommand.class);
    m.put("load", LoadCommand.class);
    m.put("save", SaveCommand.class);
    m.put("import", ImportCommand.class);
    m.put("images", ImagesCommand.class);
    m.put("rmi", RmiCommand.class);
    m.put("tag", TagCommand.class);
    m.put("pull", PullCommand.class);
    m.put("push", PushCommand.class);
    m.put("login", LoginCommand.class);
    m.put("logout", LogoutCommand.class);
    m.put("create", CreateCommand.class);
    m.put("mount", MountCommand.class);
    m.put("umount", UmountCommand.class);
    m.put("unmount", UmountCommand.class);
    m.put("bundle", BundleCommand.class);
    m.put("rm", RmCommand.class);
    m.put("ps", PsCommand.class);
    m.put("containers", PsCommand.class);
    m.put("diff", DiffCommand.class);
    m.put("commit", CommitCommand.class);
    m.put("export", ExportCommand.class);
    m.put("layers", LayersCommand.class);
    m.put("check", CheckCommand.class);
    m.put("volume", VolumeCommand.class);
    m.put("system", SystemCommand.class);
    m.put("serve", ServeCommand.class);
    m.put("demo", DemoCommand.class);
    return Map.copyOf(m);
  }

  /** Every subcommand class, in usage order. */
  static List<Class<?>> all() {
    return ALL;
  }

  /** Every name and alias, with its class. */
  static Map<String, Class<?>> byNames() {
    return BY_NAME;
  }

  /** Adds to {@code top} the subcommands {@code args} can reach. */
  static void register(CommandLine top, String... args) {
    for (Class<?> c : reachable(args)) {
      top.addSubcommand(c);
    }
  }

  /** The subcommands {@code args} can reach: the one it names, none, or (for usage) all. */
  static List<Class<?>> reachable(String... args) {
    boolean version = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-h") || a.equals("--help") || a.equals("--")) {
        return ALL;
      }
      if (a.equals("-V") || a.equals("--version")) {
        version = true;
      } else if (VALUED.contains(a)) {
        i++; // its value
      } else if (!a.startsWith("-")) {
        Class<?> named = BY_NAME.get(a);
        return named == null ? ALL : List.of(named);
      }
    }
    return version ? List.of() : ALL;
  }
}
