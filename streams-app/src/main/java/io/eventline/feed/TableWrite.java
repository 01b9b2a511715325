package io.eventline.feed;

import org.apache.avro.specific.SpecificRecord;

/**
 * A write to one of the compacted tables every instance reads in full; a null value deletes the key. Travels
 * only between processors of one task, never serialized itself.
 */
record TableWrite(String topic, SpecificRecord value) {
}
