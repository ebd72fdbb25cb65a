CREATE TABLE "meet_reflections" (
	"id" text PRIMARY KEY NOT NULL,
	"session_id" text NOT NULL,
	"rater" text NOT NULL,
	"rated" text NOT NULL,
	"vibe" smallint NOT NULL,
	"outcome" text NOT NULL,
	"tags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "meet_reflections_vibe_check" CHECK ("meet_reflections"."vibe" between 1 and 5),
	CONSTRAINT "meet_reflections_outcome_check" CHECK ("meet_reflections"."outcome" in ('again', 'maybe', 'pass'))
);
--> statement-breakpoint
ALTER TABLE "meet_reflections" ADD CONSTRAINT "meet_reflections_session_id_match_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."match_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meet_reflections" ADD CONSTRAINT "meet_reflections_rater_users_id_fk" FOREIGN KEY ("rater") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meet_reflections" ADD CONSTRAINT "meet_reflections_rated_users_id_fk" FOREIGN KEY ("rated") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "meet_reflections_once_per_session_idx" ON "meet_reflections" USING btree ("session_id","rater");--> statement-breakpoint
CREATE INDEX "meet_reflections_rated_idx" ON "meet_reflections" USING btree ("rated","created_at");