CREATE TABLE `event_count` (
	`id` integer PRIMARY KEY NOT NULL,
	`n` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `event_count` (`id`, `n`) SELECT 1, count(*) FROM `events`;
--> statement-breakpoint
CREATE TRIGGER `events_count_insert` AFTER INSERT ON `events` BEGIN UPDATE `event_count` SET `n` = `n` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `events_count_delete` AFTER DELETE ON `events` BEGIN UPDATE `event_count` SET `n` = `n` - 1 WHERE `id` = 1; END;
