package io.vigil.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class FieldCipherTest {

    static byte[] key() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    final FieldCipher cipher = new FieldCipher(key());

    @Test
    void round_trips_and_never_stores_the_plaintext_or_repeats_a_ciphertext() {
        String payload = "{\"device_id\":\"esp32-lab-01\",\"sensors\":{\"temperature\":22.4}} ünïcode ␀";
        String a = cipher.encrypt(payload, "row-1");
        String b = cipher.encrypt(payload, "row-1");
        assertThat(a).startsWith("v1:").doesNotContain("esp32").isNotEqualTo(b);
        assertThat(cipher.decrypt(a, "row-1")).isEqualTo(payload);
        assertThat(cipher.decrypt(b, "row-1")).isEqualTo(payload);
    }

    @Test
    void refuses_an_altered_value_another_row_and_another_key() {
        String sealed = cipher.encrypt("secret detail", "row-1");
        char[] chars = sealed.toCharArray();
        chars[10] = chars[10] == 'A' ? 'B' : 'A';
        assertThatThrownBy(() -> cipher.decrypt(new String(chars), "row-1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cipher.decrypt(sealed, "row-2")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FieldCipher(key()).decrypt(sealed, "row-1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cipher.decrypt("plain text", "row-1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FieldCipher(new byte[16])).isInstanceOf(IllegalArgumentException.class);
    }
}
