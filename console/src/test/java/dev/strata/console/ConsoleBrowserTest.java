package dev.strata.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.testing.SampleImage;
import dev.strata.testing.SampleLayers;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** The pages in a real browser: what they show, the remove action, live updates, read-only. */
class ConsoleBrowserTest {

  @TempDir Path dir;
  @TempDir Path profile;
  private ConsoleRoot console;
  private Browser browser;

  @AfterEach
  void stop() throws Exception {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      if (console != null) {
        console.close();
      }
    }
  }

  @Test
  void everyPage_sampleRoot_showsTheFiguresOfTheApi() throws Exception {
    start(false);
    JsonNode df = new ApiClient(console).get("/api/df").body();

    page("/", By.id("df-images-total"));
    for (String type : List.of("images", "containers", "volumes")) {
      JsonNode t = df.get(type);
      assertEquals(t.get("total").asText(), text("df-" + type + "-total"), type + " total");
      assertEquals(t.get("active").asText(), text("df-" + type + "-active"), type + " active");
      assertEquals(t.get("size_bytes").asText(), bytes("df-" + type + "-size"), type + " size");
      assertEquals(t.get("reclaimable_bytes").asText(), bytes("df-" + type + "-reclaimable"), type + " reclaimable");
    }
    assertEquals(3, browser.driver.findElements(By.cssSelector("#disk-chart text")).size() / 2);
    browser.screenshot("dashboard");

    page("/images", By.cssSelector("#images tr[data-id]"));
    assertEquals(2, browser.driver.findElements(By.cssSelector("#images tbody tr")).size());
    WebElement base = row("#images", "data-id", ConsoleRoot.BASE.id());
    assertTrue(base.getText().contains("base:1"), base.getText());
    assertTrue(base.getText().contains("unused"), base.getText());
    assertEquals(0, row("#images", "data-id", ConsoleRoot.APP.id()).findElements(By.tagName("button")).size(),
        "an image in use has no remove button");
    browser.screenshot("images");

    page("/image?id=" + ConsoleRoot.APP.id(), By.cssSelector("#image-layers tbody tr"));
    assertEquals(2, browser.driver.findElements(By.cssSelector("#image-layers tbody tr")).size());
    assertTrue(browser.driver.findElement(By.id("config")).getText().contains("/bin/sh"));
    browser.screenshot("image");

    page("/layers", By.cssSelector("li[data-chain-id]"));
    assertEquals(2, browser.driver.findElements(By.cssSelector("li[data-chain-id]")).size());
    assertEquals(1, browser.driver.findElements(By.cssSelector("li[data-chain-id] li[data-chain-id]")).size(),
        "the second layer is drawn under its parent");
    browser.screenshot("layers");

    page("/containers", By.cssSelector("#containers tr[data-name=web]"));
    WebElement web = row("#containers", "data-name", "web");
    web.findElement(By.cssSelector("td.diff button")).click();
    browser.await(d -> row("#containers", "data-name", "web").findElement(By.cssSelector("td.diff")).getText()
        .equals("no changes"));
    browser.screenshot("containers");

    page("/volumes", By.cssSelector("#volumes tr[data-name]"));
    assertTrue(row("#volumes", "data-name", "scratch").getText().contains("Unused"));
    assertFalse(row("#volumes", "data-name", "data").getText().contains("Unused"));
    browser.screenshot("volumes");

    page("/check", By.id("check-verdict"));
    assertEquals("The store is consistent.", text("check-verdict"));
    browser.screenshot("check");
  }

  @Test
  void removeButton_unusedImageConfirmed_removesItFromTheStore() throws Exception {
    start(false);
    page("/images", By.cssSelector("#images tr[data-id]"));

    row("#images", "data-id", ConsoleRoot.BASE.id()).findElement(By.cssSelector("button.remove-image")).click();
    assertEquals("Remove image base:1?", browser.await(d -> d.switchTo().alert()).getText());
    browser.driver.switchTo().alert().accept();

    browser.await(d -> d.findElements(By.cssSelector("#images tr[data-id='" + ConsoleRoot.BASE.id() + "']")).isEmpty());
    try (OpenStores s = console.stores()) {
      assertEquals(List.of(ConsoleRoot.APP.id()), s.images.images().stream().map(i -> i.id().toString()).toList());
    }
  }

  @Test
  void imagesPage_loadThroughTheLibrary_showsTheImageWithoutReload() throws Exception {
    start(false);
    page("/images", By.cssSelector("#images tr[data-id]"));
    browser.driver.executeScript("window.strataTestMarker = 'same page';");
    SampleImage late = SampleImage.of(List.of(SampleLayers.single("late")), "late", "late:1");

    ConsoleRoot.load(console.config, dir.resolve("late"), late);

    browser.await(d -> !d.findElements(By.cssSelector("#images tr[data-id='" + late.id() + "']")).isEmpty());
    assertEquals("same page", browser.driver.executeScript("return window.strataTestMarker;"),
        "the page was redrawn, not reloaded");
  }

  @Test
  void readOnlyConsole_pages_showNoActionButtons() throws Exception {
    start(true);

    page("/images", By.cssSelector("#images tr[data-id]"));
    assertEquals("read-only", text("mode"));
    assertEquals(0, browser.driver.findElements(By.cssSelector("#images button")).size());
    page("/volumes", By.cssSelector("#volumes tr[data-name]"));
    assertEquals(0, browser.driver.findElements(By.id("prune-volumes")).size());
    page("/containers", By.cssSelector("#containers tr[data-name]"));
    assertEquals(0, browser.driver.findElements(By.cssSelector("button.remove-container")).size());
  }

  private void start(boolean readOnly) throws Exception {
    console = ConsoleRoot.start(dir, readOnly);
    browser = Browser.open(profile);
  }

  private void page(String path, By ready) {
    browser.driver.get(console.uri(path).toString());
    browser.await(d -> !d.findElements(ready).isEmpty());
  }

  private String text(String id) {
    return browser.driver.findElement(By.id(id)).getText();
  }

  private String bytes(String id) {
    return browser.driver.findElement(By.id(id)).getAttribute("data-bytes");
  }

  private WebElement row(String table, String attribute, String value) {
    return browser.driver.findElement(By.cssSelector(table + " tr[" + attribute + "='" + value + "']"));
  }
}
