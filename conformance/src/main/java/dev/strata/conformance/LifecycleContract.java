package dev.strata.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.Capability;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.LayerInfo;
import dev.strata.driver.error.AlreadyExistsException;
import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.driver.error.NotFoundException;
import dev.strata.driver.error.UnsupportedException;
import dev.strata.testing.LayerTarBuilder;
import dev.strata.testing.TreeSnapshot.Times;
import dev.strata.testing.TreeSnapshot.Type;
import dev.strata.testing.TreeSnapshot;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Creating, identifying, removing and reopening layers [moby graphtest, containerd testsuite]. */
public interface LifecycleContract extends DriverContract {

  @Test
  default void createReadOnly_emptyTar_yieldsEmptyRoot0755() throws IOException {
    readOnly("base", null, new LayerTarBuilder());

    assertTrue(driver().exists(id("base")));
    TreeSnapshot view = snapshot("base");
    assertEquals(Set.of("/"), view.paths());
    assertEquals(Type.DIR, view.get("/").type());
    assertEquals(0755, view.get("/").mode());
    assertEquals(Files.getAttribute(scratch(), "unix:uid"), view.get("/").uid());
  }

  @Test
  default void createWritable_noParent_yieldsEmptyRoot0755() throws IOException {
    writable("rw", null);

    TreeSnapshot view = snapshot("rw");
    assertEquals(Set.of("/"), view.paths());
    assertEquals(0755, view.get("/").mode());
  }

  @Test
  default void createReadOnly_baseWithStickyDirAndSetuidFile_keepsModesOwnerAndEntryCount()
      throws IOException {
    assumeRoot("the tar's owner 1:2 can only be restored by root");
    LayerTarBuilder tar = new LayerTarBuilder()
        .dir("a", 01705).owner(1, 2)
        .file("a/file", "setuid", 04222);

    readOnly("base", null, tar);

    TreeSnapshot view = snapshot("base");
    assertEquals(3, view.paths().size(), () -> "entries: " + view.paths());
    assertEquals(01705, view.get("/a").mode());
    assertEquals(1, view.get("/a").uid());
    assertEquals(2, view.get("/a").gid());
    assertEquals(04222, view.get("/a/file").mode());
    var ref = newReference();
    tar.applyTo(ref, true);
    view.assertMatches(TreeSnapshot.of(ref), Times.FILES_TO_SECONDS);
  }

  @Test
  default void createWritable_childOfBase_viewIdenticalToParent() throws IOException {
    readOnly("base", null, ContractLayers.richBase());

    writable("child", "base");

    snapshot("child").assertMatches(snapshot("base"), Times.EXACT);
  }

  @Test
  default void createReadOnly_emptyTarOnParent_viewIdenticalToParent() throws IOException {
    readOnly("base", null, ContractLayers.richBase());

    readOnly("child", "base", new LayerTarBuilder());

    snapshot("child").assertMatches(snapshot("base"), Times.EXACT);
  }

  @Test
  default void createWritable_chainABC_grandchildSeesEveryLayer() throws IOException {
    var ref = newReference();
    LayerTarBuilder a = new LayerTarBuilder().dir("d", 0755).file("d/a", "from A", 0644);
    LayerTarBuilder b = new LayerTarBuilder().dir("d", 0755).file("d/b", "from B", 0644)
        .file("d/a", "A changed by B", 0600);
    readOnly("A", null, a);
    readOnly("B", "A", b);
    writable("C", "B");
    a.applyTo(ref, isRoot());
    b.applyTo(ref, isRoot());

    assertViewMatches("C", ref, Times.FILES_TO_SECONDS);
    snapshot("C").assertMatches(snapshot("B"), Times.EXACT);
  }

  @Test
  default void createReadOnly_existingId_throwsAlreadyExistsAndKeepsLayer() throws IOException {
    readOnly("base", null, new LayerTarBuilder().file("f", "original", 0644));
    TreeSnapshot before = snapshot("base");

    assertThrows(AlreadyExistsException.class,
        () -> readOnly("base", null, new LayerTarBuilder().file("f", "other", 0644)));

    snapshot("base").assertMatches(before, Times.EXACT);
  }

  @Test
  default void createWritable_existingId_throwsAlreadyExists() throws IOException {
    writable("rw", null);

    assertThrows(AlreadyExistsException.class, () -> writable("rw", null));
  }

  @Test
  default void createReadOnly_missingParent_throwsNotFoundAndCreatesNothing() throws IOException {
    assertThrows(NotFoundException.class, () -> readOnly("child", "nope", new LayerTarBuilder()));

    assertFalse(driver().exists(id("child")));
    assertEquals(Set.of(), driver().layers());
  }

  @Test
  default void createWritable_missingParent_throwsNotFound() throws IOException {
    assertThrows(NotFoundException.class, () -> writable("child", "nope"));

    assertFalse(driver().exists(id("child")));
  }

  @Test
  default void remove_layerWithChild_throwsFailedPreconditionNamingChild() throws IOException {
    readOnly("base", null, new LayerTarBuilder());
    writable("kid", "base");

    var e = assertThrows(FailedPreconditionException.class, () -> driver().remove(id("base")));

    assertTrue(e.getMessage().contains("kid"), e.getMessage());
    assertTrue(driver().exists(id("base")));
    assertTrue(driver().exists(id("kid")));
  }

  @Test
  default void remove_middleOfChain_throwsFailedPreconditionThenLeafFirstSucceeds() throws IOException {
    readOnly("A", null, new LayerTarBuilder());
    readOnly("B", "A", new LayerTarBuilder());
    readOnly("C", "B", new LayerTarBuilder());

    assertThrows(FailedPreconditionException.class, () -> driver().remove(id("B")));
    driver().remove(id("C"));
    driver().remove(id("B"));
    driver().remove(id("A"));

    assertEquals(Set.of(), driver().layers());
  }

  @Test
  default void remove_mountedLayer_throwsFailedPrecondition() throws IOException {
    writable("rw", null);
    driver().mount(id("rw"));

    assertThrows(FailedPreconditionException.class, () -> driver().remove(id("rw")));

    assertTrue(driver().exists(id("rw")));
    driver().unmount(id("rw"));
    driver().remove(id("rw"));
    assertFalse(driver().exists(id("rw")));
  }

  @Test
  default void remove_existingLayer_existsFalseAndInfoNotFound() throws IOException {
    readOnly("base", null, ContractLayers.richBase());

    driver().remove(id("base"));

    assertFalse(driver().exists(id("base")));
    assertThrows(NotFoundException.class, () -> driver().info(id("base")));
    assertThrows(NotFoundException.class, () -> driver().mount(id("base")));
  }

  @Test
  default void remove_missingLayer_throwsNotFound() throws IOException {
    assertThrows(NotFoundException.class, () -> driver().remove(id("ghost")));
  }

  @Test
  default void remove_thenCreateSameId_isANewLayer() throws IOException {
    readOnly("x", null, new LayerTarBuilder().file("old", "old", 0644));
    driver().remove(id("x"));

    readOnly("x", null, new LayerTarBuilder().file("new", "new", 0644));

    assertEquals(Set.of("/", "/new"), snapshot("x").paths());
  }

  @Test
  default void info_chain_reportsParentWritableAndDepth() throws IOException {
    readOnly("A", null, new LayerTarBuilder());
    readOnly("B", "A", new LayerTarBuilder());
    writable("C", "B");

    assertEquals(new LayerInfo(id("A"), Optional.empty(), false, 1), driver().info(id("A")));
    assertEquals(new LayerInfo(id("B"), parent("A"), false, 2), driver().info(id("B")));
    assertEquals(new LayerInfo(id("C"), parent("B"), true, 3), driver().info(id("C")));
  }

  @Test
  default void layers_afterCreatesAndRemoves_isExactLiveSet() throws IOException {
    readOnly("A", null, new LayerTarBuilder());
    writable("B", "A");
    writable("C", "A");
    readOnly("D", null, new LayerTarBuilder());
    driver().remove(id("B"));

    assertEquals(Set.of(id("A"), id("C"), id("D")), driver().layers());
  }

  @Test
  default void close_twice_isNoOp() throws IOException {
    writable("rw", null);
    GraphDriver d = driver();
    d.close();
    List<String> closedOnce = homeContents();

    d.close();

    assertEquals(closedOnce, homeContents(), "the second close changed the home");
    assertThrows(IllegalStateException.class, () -> d.exists(id("rw")), "usable after the second close");
    assertEquals(Set.of(id("rw")), reopen().layers());
  }

  @Test
  default void methods_afterClose_throwIllegalState() throws IOException {
    writable("rw", null);
    GraphDriver d = driver();
    d.close();

    assertThrows(IllegalStateException.class, () -> d.exists(id("rw")));
    assertThrows(IllegalStateException.class, d::layers);
    assertThrows(IllegalStateException.class, () -> d.info(id("rw")));
    assertThrows(IllegalStateException.class, () -> d.createWritable(id("x"), Optional.empty(), Map.of()));
    assertThrows(IllegalStateException.class, () -> d.createReadOnly(id("y"), Optional.empty(),
        new ByteArrayInputStream(new LayerTarBuilder().build())));
    assertThrows(IllegalStateException.class, () -> d.mount(id("rw")));
    assertThrows(IllegalStateException.class, () -> d.remove(id("rw")));
    assertThrows(IllegalStateException.class, () -> d.usage(id("rw")));
  }

  @Test
  default void open_sameHomeAgain_keepsLayersParentsAndContent() throws IOException {
    readOnly("base", null, ContractLayers.richBase());
    readOnly("app", "base", new LayerTarBuilder().file("app", "binary", 0755));
    writable("ctr", "app");
    edit("ctr", root -> Files.writeString(root.resolve("etc/motd"), "written before restart"));
    TreeSnapshot before = snapshot("ctr");
    Set<LayerInfo> infos = Set.of(driver().info(id("base")), driver().info(id("app")),
        driver().info(id("ctr")));

    GraphDriver again = reopen();

    assertEquals(Set.of(id("base"), id("app"), id("ctr")), again.layers());
    assertEquals(infos, Set.of(again.info(id("base")), again.info(id("app")), again.info(id("ctr"))));
    snapshot("ctr").assertMatches(before, Times.EXACT);
  }

  @Test
  default void createWritable_beyondMaxDepth_throwsFailedPrecondition() throws IOException {
    int max = driver().maxDepth();
    org.junit.jupiter.api.Assumptions.assumeTrue(max <= 1000, "maxDepth " + max + " is too deep to build here");
    writable("d1", null);
    for (int i = 2; i <= max; i++) {
      writable("d" + i, "d" + (i - 1));
    }

    assertThrows(FailedPreconditionException.class, () -> writable("too-deep", "d" + max));
    assertThrows(FailedPreconditionException.class,
        () -> readOnly("too-deep", "d" + max, new LayerTarBuilder()));

    assertFalse(driver().exists(id("too-deep")));
    assertEquals(max, driver().info(id("d" + max)).depth());
  }

  @Test
  default void createWritable_sizeOption_acceptedExactlyWhenQuotaDeclared() throws IOException {
    boolean quota = declares(Capability.QUOTA);
    Map<String, String> size = Map.of("size", "64M");

    if (quota) {
      driver().createWritable(id("rw"), Optional.empty(), size);
      assertTrue(driver().exists(id("rw")));
    } else {
      var e = assertThrows(UnsupportedException.class,
          () -> driver().createWritable(id("rw"), Optional.empty(), size));
      assertTrue(e.getMessage().contains("size"), e.getMessage());
      assertFalse(driver().exists(id("rw")));
    }
  }
}
