package dev.strata.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher run the harness makes, natively: what a host with the kernel features does. */
class TestRunTest {

  @TempDir Path tmp;

  @Test
  void runNatively_passingSample_exits0WithAReportCountingItsTests() throws Exception {
    TestRun run = run(GuestSamples.Passing.class);
    run.prepare();

    assertEquals(0, run.runNatively());

    String report = Files.readString(run.reports().resolve("TEST-junit-jupiter.xml"));
    assertTrue(report.contains("tests=\"2\" skipped=\"0\" failures=\"0\" errors=\"0\""), report.substring(0, 300));
  }

  @Test
  void runNatively_failingSample_exits1() throws Exception {
    TestRun run = run(GuestSamples.Failing.class);
    run.prepare();

    assertEquals(1, run.runNatively());
  }

  @Test
  void prepare_reportOfAnEarlierRun_isGone() throws IOException {
    TestRun run = run(GuestSamples.Passing.class);
    Files.createDirectories(run.reports());
    Files.writeString(run.reports().resolve("TEST-junit-jupiter.xml"), "stale");

    run.prepare();

    assertTrue(Files.isDirectory(run.reports()));
    try (var left = Files.list(run.out())) {
      assertEquals(List.of(run.reports()), left.toList());
    }
  }

  @Test
  void guestScript_oddPath_quotedAsOneWord() {
    TestRun run = new TestRun("/it's here/a.jar:relative.jar", List.of("x.YTest"), tmp.resolve("out"));

    String script = run.guestScript();

    assertTrue(script.contains("'/it'\\''s here/a.jar:" + Path.of("relative.jar").toAbsolutePath() + "'"), script);
    assertTrue(script.contains("'--select-class=x.YTest'"), script);
    assertTrue(script.contains("'-XX:TieredStopAtLevel=1'"), "the guest's JVM flags: " + script);
    assertFalse(run.command(false).contains("-XX:TieredStopAtLevel=1"), "not natively");
  }

  private TestRun run(Class<?> sample) {
    return new TestRun(System.getProperty("java.class.path"), List.of(sample.getName()), tmp.resolve("out"));
  }
}
