CREATE TABLE `chat_misses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`session` text,
	`message` text NOT NULL,
	`lang` text,
	`confidence` real NOT NULL,
	`best_faq` text,
	`reason` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `chat_misses_created` ON `chat_misses` (`created_at`);--> statement-breakpoint
CREATE TABLE `chat_synonyms` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`terms` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`type` text NOT NULL,
	`user_id` text NOT NULL,
	`item_id` text,
	`items` text,
	`value` real,
	`rid` text,
	`session` text,
	`context` text,
	`ts` integer NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `events_id_unique` ON `events` (`id`);--> statement-breakpoint
CREATE INDEX `events_ts` ON `events` (`ts`,`seq`);--> statement-breakpoint
CREATE INDEX `events_user` ON `events` (`user_id`,`ts`);--> statement-breakpoint
CREATE INDEX `events_item` ON `events` (`item_id`,`ts`);--> statement-breakpoint
CREATE INDEX `events_rid` ON `events` (`rid`);--> statement-breakpoint
CREATE TABLE `faqs` (
	`id` text PRIMARY KEY NOT NULL,
	`question` text NOT NULL,
	`alternatives` text DEFAULT '[]' NOT NULL,
	`answer` text NOT NULL,
	`tags` text DEFAULT '[]' NOT NULL,
	`lang` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `items` (
	`id` text PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`categories` text DEFAULT '[]' NOT NULL,
	`price` real,
	`available` integer DEFAULT true NOT NULL,
	`url` text,
	`image` text,
	`attributes` text DEFAULT '{}' NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `items_updated` ON `items` (`updated_at`);--> statement-breakpoint
CREATE TABLE `leases` (
	`name` text PRIMARY KEY NOT NULL,
	`holder` text NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `rebuild_runs` (
	`version` text PRIMARY KEY NOT NULL,
	`trigger` text NOT NULL,
	`status` text NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`stats` text DEFAULT '{}' NOT NULL,
	`error` text
);
--> statement-breakpoint
CREATE INDEX `rebuild_runs_started` ON `rebuild_runs` (`started_at`);--> statement-breakpoint
CREATE TABLE `rules` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`action` text NOT NULL,
	`target_type` text NOT NULL,
	`target` text NOT NULL,
	`amount` real,
	`surfaces` text DEFAULT '[]' NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
