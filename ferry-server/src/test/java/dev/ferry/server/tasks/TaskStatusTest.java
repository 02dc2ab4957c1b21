package dev.ferry.server.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TaskStatusTest {

    @Test
    void theStatusMachineIsGlances() {
        assertThat(TaskStatus.PENDING.canMoveTo(TaskStatus.PROCESSING)).isTrue();
        assertThat(TaskStatus.PENDING.canMoveTo(TaskStatus.FAILURE)).isTrue();
        assertThat(TaskStatus.PENDING.canMoveTo(TaskStatus.SUCCESS)).isFalse();
        assertThat(TaskStatus.PROCESSING.canMoveTo(TaskStatus.SUCCESS)).isTrue();
        assertThat(TaskStatus.PROCESSING.canMoveTo(TaskStatus.FAILURE)).isTrue();
        for (TaskStatus terminal : new TaskStatus[] {TaskStatus.SUCCESS, TaskStatus.FAILURE}) {
            assertThat(terminal.isTerminal()).isTrue();
            for (TaskStatus next : TaskStatus.values()) {
                assertThat(terminal.canMoveTo(next)).isFalse();
            }
        }
        assertThat(TaskStatus.parse("processing")).contains(TaskStatus.PROCESSING);
        assertThat(TaskStatus.parse("Processing")).isEmpty();
    }
}
