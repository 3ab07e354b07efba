package io.vhostpath.operator;

import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ApiTroubleTest {
    @Test
    void an_outage_is_two_lines_and_each_new_trouble_one_more() {
        var lines = new ArrayList<String>();
        var trouble = new ApiTrouble("d", lines::add);
        var away = new KubernetesClientException("Operation: [update] failed", new ConnectException("Connection refused"));
        for (int i = 0; i < 50; i++) trouble.failed("writing the status of w1", away);
        trouble.failed("writing the status of w1", new KubernetesClientException("forbidden", 403, null));
        trouble.answered();
        trouble.answered();
        assertEquals(List.of(
                "d: writing the status of w1: no answer: Operation: [update] failed (java.net.ConnectException: Connection refused);"
                        + " retrying, and changing nothing meanwhile",
                "d: writing the status of w1: HTTP 403: forbidden; retrying, and changing nothing meanwhile",
                "d: the API server answers again"), lines);
    }
}
