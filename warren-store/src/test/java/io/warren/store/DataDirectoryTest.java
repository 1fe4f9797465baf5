package io.warren.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {

    @TempDir
    Path tmp;

    @Test
    void shouldCreateTheLayoutWithAFormatVersion() throws IOException {
        final Path dataDir = tmp.resolve("data");
        try (MessageStore store = MessageStore.open(dataDir, StoreOptions.defaults())) {
            assertThat(store.dataDir()).isEqualTo(dataDir.toAbsolutePath());
            assertThat(store.usableSpace()).isPositive();
            assertThat(store.queueIds()).isEmpty();
        }
        assertThat(Files.readString(dataDir.resolve("FORMAT_VERSION"))).isEqualTo("1\n");
        assertThat(dataDir.resolve("meta/metadata.log")).isRegularFile();
        assertThat(dataDir.resolve("queues")).isDirectory();
    }

    @Test
    void shouldRefuseASecondStoreOnTheSameFolder() {
        final Path dataDir = tmp.resolve("data");
        try (MessageStore store = MessageStore.open(dataDir, StoreOptions.defaults())) {
            assertThat(store.dataDir()).exists();
            assertThatThrownBy(() -> MessageStore.open(dataDir, StoreOptions.defaults()))
                    .isInstanceOf(StoreException.class).hasMessageContaining("in use");
        }
        MessageStore.open(dataDir, StoreOptions.defaults()).close();
    }

    @Test
    void shouldRefuseAFolderWrittenByANewerFormat() throws IOException {
        final Path dataDir = tmp.resolve("data");
        Files.createDirectories(dataDir);
        Files.writeString(dataDir.resolve("FORMAT_VERSION"), "2\n");
        assertThatThrownBy(() -> MessageStore.open(dataDir, StoreOptions.defaults()))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("format version 2, written by a newer Warren");
        // and the failed attempt left the folder unlocked
        Files.writeString(dataDir.resolve("FORMAT_VERSION"), "1\n");
        MessageStore.open(dataDir, StoreOptions.defaults()).close();
    }

    @Test
    void shouldRefuseAnUnreadableFormatVersion() throws IOException {
        final Path dataDir = tmp.resolve("data");
        Files.createDirectories(dataDir);
        Files.writeString(dataDir.resolve("FORMAT_VERSION"), "one");
        assertThatThrownBy(() -> MessageStore.open(dataDir, StoreOptions.defaults()))
                .isInstanceOf(StoreException.class).hasMessageContaining("'one'");
    }

    @Test
    void shouldFinishAQueueDeletionInterruptedByACrash() throws IOException {
        final Path dataDir = tmp.resolve("data");
        final Path doomed = dataDir.resolve("queues/.deleting-q-123");
        Files.createDirectories(doomed);
        Files.write(doomed.resolve("00000000000000000001.seg"), new byte[100]);
        try (MessageStore store = MessageStore.open(dataDir, StoreOptions.defaults())) {
            assertThat(doomed).doesNotExist();
            assertThat(store.queueIds()).isEmpty();
        }
    }
}
